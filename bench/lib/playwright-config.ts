import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

/**
 * The Playwright config of a browser benchmark in bench/<name>/ (its *.bench.ts, one worker, Debian's
 * Chromium). Relative paths resolve from the config file that calls this, bench/<name>/.
 */
export function benchPlaywrightConfig(name: string): PlaywrightTestConfig {
  return defineConfig({
    testDir: '.',
    testMatch: ['*.bench.ts'],
    timeout: 600_000,
    workers: 1,
    reporter: [['list']],
    outputDir: `../../test-results/bench-${name}`,
    use: {
      browserName: 'chromium',
      viewport: { width: 1280, height: 800 },
      launchOptions: {
        executablePath: '/usr/bin/chromium',
        // Several pages run at once: none may be throttled as a background tab.
        args: [
          ...CHROMIUM_ARGS,
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
        ],
      },
    },
  });
}
