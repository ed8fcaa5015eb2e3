/**
 * Set at build time (electron.vite.config.ts): true in development and test builds, false in a release
 * (`npm run dist`), so the end-to-end test hooks are not in the shipped bundle at all.
 */
declare const __PORTHOLE_TEST_HOOKS__: boolean;
