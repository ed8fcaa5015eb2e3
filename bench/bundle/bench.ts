// The renderer's first-load JavaScript: the split build (electron.vite.config.ts, out/renderer:
// the screen route loads on demand) against the same renderer built unsplit, in one run.
// Writes out/bench/bundle.json and prints a short table. See README.md.
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { firstLoadScripts, kB } from './first-load';

const repo = resolve(process.argv[2] ?? '.');

async function measure(
  outDir: string,
): Promise<{ firstLoadBytes: number; totalBytes: number; files: Record<string, number> }> {
  const html = await readFile(join(outDir, 'index.html'), 'utf8');
  const files: Record<string, number> = {};
  let firstLoadBytes = 0;
  for (const url of firstLoadScripts(html)) {
    const size = (await stat(join(outDir, url))).size;
    files[url] = size;
    firstLoadBytes += size;
  }
  let totalBytes = 0;
  for (const name of await readdir(join(outDir, 'assets'))) {
    if (name.endsWith('.js')) totalBytes += (await stat(join(outDir, 'assets', name))).size;
  }
  return { firstLoadBytes, totalBytes, files };
}

const split = await measure(join(repo, 'out', 'renderer'));
// The baseline: the same renderer and plugins, every dynamic import inlined (one chunk, as before the split).
const unsplitDir = await mkdtemp(join(tmpdir(), 'porthole-unsplit-'));
try {
  // electron.vite.config.ts itself, with its one switch for this baseline (main and preload rebuild unchanged).
  await promisify(execFile)(join(repo, 'node_modules', '.bin', 'electron-vite'), ['build', '--logLevel', 'warn'], {
    cwd: repo,
    env: { ...process.env, PORTHOLE_BENCH_UNSPLIT_DIR: unsplitDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const unsplit = await measure(unsplitDir);
  const result = {
    date: new Date().toISOString(),
    loadAverage1m: loadavg()[0] ?? 0,
    split: { firstLoadKB: kB(split.firstLoadBytes), totalKB: kB(split.totalBytes), files: split.files },
    unsplit: { firstLoadKB: kB(unsplit.firstLoadBytes), totalKB: kB(unsplit.totalBytes) },
    firstLoadRatio: Math.round((split.firstLoadBytes / unsplit.firstLoadBytes) * 1000) / 1000,
  };
  await mkdir(join(repo, 'out', 'bench'), { recursive: true });
  await writeFile(join(repo, 'out', 'bench', 'bundle.json'), JSON.stringify(result, null, 2) + '\n');
  console.log(
    [
      'renderer JavaScript    first load (kB)   all chunks (kB)',
      `split (shipped)        ${String(result.split.firstLoadKB).padStart(15)}   ${String(result.split.totalKB).padStart(15)}`,
      `unsplit (baseline)     ${String(result.unsplit.firstLoadKB).padStart(15)}   ${String(result.unsplit.totalKB).padStart(15)}`,
      `first-load ratio (split / unsplit): ${result.firstLoadRatio}   (load average ${result.loadAverage1m.toFixed(2)})`,
      `JSON: ${join(repo, 'out', 'bench', 'bundle.json')}`,
    ].join('\n'),
  );
} finally {
  await rm(unsplitDir, { recursive: true, force: true });
}
