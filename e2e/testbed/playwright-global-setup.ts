import path from 'node:path';
import { forcedHostClass, realHostClass } from '../../app/core/testing/test-host';
import { ensureTestbed, testWebHostScript } from './testbed';
import { bundleNodeApp } from '../../scripts/bundle-node.mjs';

/**
 * Brings up the engine, the stand-in image and the test ISO once for every end-to-end test, and says which
 * host class the checks will see (PORTHOLE_TEST_HOST, else this machine's own).
 */
export default async function globalSetup(): Promise<void> {
  const { image, testIso, shellIso } = await ensureTestbed();
  process.env.PORTHOLE_STANDIN_IMAGE = image;
  process.env.PORTHOLE_TEST_ISO = testIso;
  process.env.PORTHOLE_TEST_SHELL_ISO = shellIso;
  const forced = forcedHostClass();
  const real = await realHostClass();
  console.log(
    `[test host] this machine: ${real}; the checks see: ${forced ?? real}${forced ? ' (PORTHOLE_TEST_HOST)' : ''}`,
  );
  // The test web host: for the forced class, and for specs that give its root a fake USB tree (usb.spec.ts) on any host.
  await bundleNodeApp({ entryPoints: [path.join(import.meta.dirname, 'web-host.ts')], outfile: testWebHostScript });
}
