#!/usr/bin/env node
// `npm start`: builds the app when out/ is missing or older than its sources, then runs it in
// Electron. Without an Electron binary (it is downloaded from GitHub on first launch) it says
// why and what to do instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));

const OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'].map((p) => join(root, p));
const SOURCES = ['app', 'renderer', 'electron.vite.config.ts', 'package.json', 'tsconfig.json'].map((p) =>
  join(root, p),
);

/** The newest modification time under a file or folder (tests excluded: they are not in the build). */
function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function buildIsStale() {
  if (!OUTPUTS.every((p) => existsSync(p))) return true;
  const oldestOutput = Math.min(...OUTPUTS.map((p) => statSync(p).mtimeMs));
  return Math.max(...SOURCES.map(newestMtime)) > oldestOutput;
}

/** The Electron executable if it is on disk (what require('electron') names), without downloading it. */
function electronBinary() {
  const pkgDir = dirname(require.resolve('electron/package.json'));
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative ?? 'electron') : relative ? join(pkgDir, 'dist', relative) : null;
  return binary && existsSync(binary) ? binary : null;
}

/** Electron >= 42 fetches its binary on first use; do that quietly and report only the outcome. */
function findOrFetchElectron() {
  let binary = electronBinary();
  if (binary) return binary;
  console.log('Porthole: fetching the Electron binary (first launch)...');
  try {
    const installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
    spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 10 * 60 * 1000 });
    binary = electronBinary();
  } catch {
    binary = null;
  }
  return binary;
}

if (buildIsStale()) {
  console.log('Porthole: building (out/ is missing or older than the sources)...');
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const build = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('Porthole: the build failed (see above); nothing was started.');
    process.exit(build.status ?? 1);
  }
}

const binary = findOrFetchElectron();
if (!binary) {
  console.error(
    [
      '',
      'Porthole cannot start as a desktop app here: there is no Electron binary on this machine, and none',
      'could be downloaded (the electron package fetches it from GitHub on first launch, and that failed,',
      'most likely because this machine has no internet access). To fix it, connect to the internet once and',
      'run `npm start` again; or point ELECTRON_MIRROR at a mirror you can reach (or ELECTRON_OVERRIDE_DIST_PATH',
      'at an unpacked Electron) before `npm start`; or install a packaged Porthole build (AppImage, deb, rpm).',
      'Meanwhile `npm run web` runs the same app in your browser.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const env = { ...process.env };
// With this set, Electron would run as plain Node and ignore the app.
delete env.ELECTRON_RUN_AS_NODE;
const args = [root, ...process.argv.slice(2)];
// Chromium refuses to run as root with its sandbox on (containers, CI); the renderer stays isolated.
if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--no-sandbox');

const child = spawn(binary, args, { cwd: root, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => child.kill(signal));
}
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
child.on('error', (err) => {
  console.error(`Porthole: could not run Electron (${binary}): ${err.message}`);
  process.exit(1);
});
