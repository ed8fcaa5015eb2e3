import { skeletonFlow } from '../flows/skeleton';
import { test } from './fixtures';

test('Start in the UI -> real engine -> real QEMU -> the VM framebuffer in the screen view -> Stop keeps the disk', async ({
  page,
  webHost,
}) => {
  await page.goto(webHost.url);
  await skeletonFlow(page, {
    dataDir: webHost.dataDir,
    track: webHost.track,
    home: async () => {
      await page.goto(webHost.url.replace(/\?.*$/, '') + '#/');
    },
    // The README's main window and screen come from the accessibility walk (light, dark, 800×600).
    screenshots: false,
  });
});
