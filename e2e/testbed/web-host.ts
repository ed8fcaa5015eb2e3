// The web host of `npm run web` with the host checks on a fake root of the class PORTHOLE_TEST_HOST names
// (kvm, nested, none): the test entry point, so that the shipped app has no test switch. Everything else (the
// engine, the machines, the renderer from out/renderer) is real. Bundled by the Playwright global setup into
// e2e/.artifacts/web-host.mjs; prints the same address line as app/web/main.ts.
import { resolve } from 'node:path';
import { createBackend, defaultDirs } from '../../app/core/backend';
import { forcedHostClass, makeTestHostRoot } from '../../app/core/testing/test-host';
import { addTestUsb } from '../../app/core/testing/test-usb';
import { startWebHost } from '../../app/web/server';

async function main(): Promise<void> {
  const cls = forcedHostClass();
  if (!cls) throw new Error('PORTHOLE_TEST_HOST is not set: without it the tests run out/node/web.js itself.');
  const root = await makeTestHostRoot(cls);
  // PORTHOLE_TEST_USB=1: a fake USB tree (sysfs and usb.ids) in the root, for the USB specs.
  if (process.env.PORTHOLE_TEST_USB === '1') await addTestUsb(root.options.root!);
  const backend = await createBackend({ ...defaultDirs(process.env), hostCheck: root.options });
  const host = await startWebHost({ backend, rendererDir: resolve('out', 'renderer'), port: 0 });
  process.stdout.write(`Porthole (test host: ${cls}) is running at ${host.url}\n`);
  const shutdown = (): void => {
    void host
      .close()
      .then(() => backend.dispose())
      .then(() => root.cleanup())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`The test web host could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
