// Runs the engine-idle benchmark: brings up the test bed (engine, stand-in image), bundles
// bench.ts with esbuild into out/bench (Node 20 cannot run TypeScript itself) and runs it.
// Usage: node bench/engine-idle/run.mjs [--seconds 60]
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bundle = join(root, 'out', 'bench', 'engine-idle.mjs');

/** Runs a program without a shell; resolves with its stdout (its stderr shows as it comes). */
function run(command, args) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(out) : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

await run('bash', [join(root, 'e2e', 'testbed', 'ensure-testbed.sh')]);
const image = process.env.PORTHOLE_STANDIN_IMAGE ?? (await run('bash', [join(root, 'e2e', 'guest', 'build.sh')])).trim().split('\n').at(-1);

await build({
  entryPoints: [join(here, 'bench.ts')],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});

const child = spawn(process.execPath, [bundle, '--image', image, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 1));
