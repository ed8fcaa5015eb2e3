import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestSshd } from '../../app/core/testing/test-sshd';
import { createMachineViaWizard, expectStartingCard } from '../flows/create-machine';
import { containerOf, docker, expect, startWebHost, test } from './fixtures';
import { saveScreenshot } from './screenshots';
import { occurrences, readScreen, shellIso, waitForIpxePrompt } from './screen-ocr';

const run = promisify(execFile);
/**
 * DOCKER_HOST=ssh://…: the web host talks to the engine through the test's own sshd (in front of the
 * shared engine), and the machine's screen reaches the browser through a local port forwarded by
 * ssh, never the port the container published. The iPXE prompt read by OCR proves the picture came
 * through that forward.
 */
test('Over an ssh engine, the screen arrives through a forwarded local port (iPXE prompt read by OCR)', async ({
  page,
}, testInfo) => {
  test.setTimeout(420_000);
  const sshd = await TestSshd.start('unix:///var/run/docker.sock');
  const { host: webHost, stop } = await startWebHost(sshd.env());
  try {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.addInitScript(() => sessionStorage.setItem('porthole.testHooks', '1'));
    await page.goto(webHost.url);

    const name = `Ssh screen ${Math.random().toString(36).slice(2, 7)}`;
    const id = await createMachineViaWizard(page, { name, iso: shellIso() });
    webHost.track(id);
    const card = page.locator('article.machine-card', { hasText: name });
    await expectStartingCard(card);
    // "Show screen" is enabled once the image's /status page (also through the forward) said the screen is up.
    await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled({ timeout: 150_000 });

    const container = await containerOf(id);
    const published = Number((await docker('port', container, '8006/tcp')).split('\n')[0]!.split(':').pop());
    expect(published).toBeGreaterThan(0);

    await card.getByRole('button', { name: 'Show screen' }).click();
    const screen = page.getByTestId('screen');
    await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 120_000 });

    // The page says how the screen is reached, and its websocket went to the forwarded port, not the published one.
    const via = page.getByTestId('screen-via');
    await expect(via).toContainText(`forwarded to 127.0.0.1:${published} on 127.0.0.1 while Porthole runs`);
    const forwarded = Number(/port (\d+) here/.exec((await via.textContent()) ?? '')?.[1]);
    expect(forwarded).toBeGreaterThan(0);
    expect(forwarded).not.toBe(published);
    const vnc = sockets.filter((u) => u.includes('/websockify'));
    expect(vnc.length).toBeGreaterThan(0);
    for (const url of vnc) expect(new URL(url).port).toBe(String(forwarded));
    // The forward is ssh's own: an `ssh … -W 127.0.0.1:<published>` carries the screen.
    const { stdout: ps } = await run('ps', ['-eo', 'args']);
    expect(ps).toContain(`-W 127.0.0.1:${published}`);

    const text = await waitForIpxePrompt(page, testInfo, { timeout: 150_000, interval: 1000, prefix: 'ssh-screen' });
    expect(text).toMatch(/iPXE/);

    // Keys go the same way back: typed on the canvas, read back from the screen.
    await page.locator('[data-testid="screen-canvas"] canvas').click();
    await page.keyboard.type('echo viassh42', { delay: 30 });
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => occurrences(await readScreen(page, testInfo, 'ssh-screen'), 'viassh42'), {
        timeout: 30_000,
        intervals: [1000],
      })
      .toBe(2);
    await saveScreenshot(page, 'screen-over-ssh.png');
  } finally {
    await stop();
    await sshd.dispose();
  }
});
