// vitest globalSetup of the integration project: prepares the test bed once per run and hands
// the stand-in image and the test ISO to the tests (inject('standinImage'), inject('testIso')).
import type { TestProject } from 'vitest/node';
import { ensureTestbed } from './testbed';

export default async function setup({ provide }: TestProject): Promise<void> {
  const { image, testIso } = await ensureTestbed();
  process.env.PORTHOLE_STANDIN_IMAGE = image;
  process.env.PORTHOLE_TEST_ISO = testIso;
  provide('standinImage', image);
  provide('testIso', testIso);
}

declare module 'vitest' {
  export interface ProvidedContext {
    standinImage: string;
    testIso: string;
  }
}
