// Runs the bundle benchmark on the renderer that `npm run build` left in out/renderer.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, runBench } from '../lib/run.mjs';

await runBench({ name: 'bundle', entry: join(dirname(fileURLToPath(import.meta.url)), 'bench.ts'), args: [root] });
