import { ensureTestbed } from './testbed';

/** Brings up the engine, the stand-in image and the test ISO once for every end-to-end test. */
export default async function globalSetup(): Promise<void> {
  const { image, testIso } = await ensureTestbed();
  process.env.PORTHOLE_STANDIN_IMAGE = image;
  process.env.PORTHOLE_TEST_ISO = testIso;
}
