// Runs the engine-idle benchmark on the web host that `npm run build` left in out/node and out/renderer.
// Usage: node bench/engine-idle/run.mjs [--seconds 60]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from '../lib/run.mjs';

await runBench({ name: 'engine-idle', entry: join(dirname(fileURLToPath(import.meta.url)), 'bench.ts'), engine: true });
