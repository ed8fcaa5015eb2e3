import { benchPlaywrightConfig } from '../lib/playwright-config';

/** The screen benchmark: `npm run build && playwright test -c bench/screen` (npm run bench:screen). */
export default benchPlaywrightConfig('screen');
