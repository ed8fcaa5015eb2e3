// Runs the memory benchmark on the web host that `npm run build` left in out/node and out/renderer.
// Usage: node bench/memory/run.mjs [--settle 20]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench } from '../lib/run.mjs';

await runBench({ name: 'memory', entry: join(dirname(fileURLToPath(import.meta.url)), 'bench.ts'), engine: true });
