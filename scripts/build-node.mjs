// Bundles the plain-Node entry points (CLI and web host) into out/node; dependencies stay external.
import { bundleNodeApp } from './bundle-node.mjs';

await bundleNodeApp({
  entryPoints: { cli: 'app/cli/index.ts', web: 'app/web/main.ts' },
  outdir: 'out/node',
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
});
