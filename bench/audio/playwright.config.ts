import { benchPlaywrightConfig } from '../lib/playwright-config';

/** The audio benchmark: `npm run build && playwright test -c bench/audio` (npm run bench:audio). */
export default benchPlaywrightConfig('audio');
