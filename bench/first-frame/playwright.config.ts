import { benchPlaywrightConfig } from '../lib/playwright-config';

/** The start-to-first-frame benchmark: `npm run bench:first-frame`. */
export default benchPlaywrightConfig('first-frame');
