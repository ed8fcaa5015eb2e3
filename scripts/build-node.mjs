// Bundles the plain-Node entry points (CLI and web host) into out/node; dependencies stay external.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'app/cli/index.ts', web: 'app/web/main.ts' },
  outdir: 'out/node',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
