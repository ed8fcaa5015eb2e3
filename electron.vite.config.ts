import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { withContentSecurityPolicy } from './app/api/csp';

// The bundle benchmark's baseline (bench/bundle): the same renderer in one chunk, every dynamic import
// inlined, as it was before the screen route loaded on demand, written to the given folder.
const unsplitDir = process.env.PORTHOLE_BENCH_UNSPLIT_DIR;

// A release build (`npm run dist`) leaves the end-to-end test hooks out of the main bundle entirely.
const release = process.env.PORTHOLE_RELEASE === '1';
// Where the build goes: `out/` unless a test builds a release elsewhere (app/main/release-build.integration.test.ts).
const outRoot = process.env.PORTHOLE_BUILD_OUT ?? 'out';

export default defineConfig({
  main: {
    define: { __PORTHOLE_TEST_HOOKS__: JSON.stringify(!release) },
    build: {
      outDir: `${outRoot}/main`,
      rollupOptions: { input: { index: resolve(__dirname, 'app/main/index.ts') } },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can require only 'electron': bundle zod and the contract into it.
      externalizeDeps: false,
      outDir: `${outRoot}/preload`,
      rollupOptions: {
        input: { index: resolve(__dirname, 'app/preload/index.ts') },
        // A sandboxed preload must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    // The page's meta tag gets the one policy (app/api/csp.ts), the one the Electron shell and the web host send.
    plugins: [
      react(),
      { name: 'porthole-csp', transformIndexHtml: { order: 'pre', handler: withContentSecurityPolicy } },
    ],
    resolve: { alias: { '@porthole/api': resolve(__dirname, 'app/api') } },
    build: {
      outDir: unsplitDir ?? `${outRoot}/renderer`,
      rollupOptions: {
        input: { index: resolve(__dirname, 'renderer/index.html') },
        ...(unsplitDir ? { output: { inlineDynamicImports: true } } : {}),
      },
    },
  },
});
