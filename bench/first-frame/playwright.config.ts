import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

/** The start-to-first-frame benchmark: `npm run bench:first-frame`. */
export default defineConfig({
  testDir: '.',
  testMatch: ['*.bench.ts'],
  timeout: 600_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/bench-first-frame',
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // Several pages run at once: none may be throttled as a background tab.
      args: [...CHROMIUM_ARGS, '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    },
  },
});
