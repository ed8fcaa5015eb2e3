// Runs the bundle benchmark: bundles bench.ts with esbuild into out/bench (Node 20 cannot run
// TypeScript itself) and runs it on the renderer that `npm run build` left in out/renderer.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const bundle = join(root, 'out', 'bench', 'bundle.mjs');

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

const child = spawn(process.execPath, [bundle, root], { cwd: root, stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 1));
