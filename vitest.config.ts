import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The renderer's one name for the contract (tsconfig.web.json, electron.vite.config.ts).
const alias = { '@porthole/api': resolve(fileURLToPath(new URL('.', import.meta.url)), 'app/api') };

export default defineConfig({
  test: {
    projects: [
      {
        // Unit tests see a development build's flags (types/build-flags.d.ts).
        define: { __PORTHOLE_TEST_HOOKS__: 'true' },
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['app/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'e2e/guest/**/*.test.ts', 'bench/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', 'node_modules/**'],
          environment: 'node',
          // UI tests type and click through user-event: slow on a loaded 2-core machine, never a timing assertion.
          testTimeout: 15_000,
          setupFiles: ['renderer/src/testing/setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['app/**/*.integration.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          globalSetup: ['e2e/testbed/vitest-global-setup.ts'],
        },
      },
    ],
  },
});
