import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { containerNameIn, docker, expect, test } from './fixtures';
import { createMachineViaWizard, expectStartingCard } from '../flows/create-machine';
import { saveScreenshot } from './screenshots';
import { framebufferPng, occurrences, readScreen, shellIso, waitForIpxePrompt, type RfbTestWindow } from './screen-ocr';

/** What the page exposes for the tests, as seen from here. */
interface TestWindow extends RfbTestWindow {
  __screenStates: string[];
}

async function screenState(screen: Locator): Promise<{ state: string | null; session: number }> {
  return {
    state: await screen.getAttribute('data-screen-state'),
    session: Number(await screen.getAttribute('data-session')),
  };
}

/**
 * Creates a machine in the UI from the stand-in image with the test ISO as its custom ISO, in
 * software emulation (an ISO boot under this host's nested KVM stops at ISOLINUX, and a user here
 * would run it so too). Drives the step-by-step wizard, or the one-page form before it: each page
 * fills what it shows, then goes on.
 */
async function createMachine(page: Page, name: string): Promise<void> {
  await createMachineViaWizard(page, { name, iso: shellIso() });
}

test('The Windows screen: boot text, keyboard and paste reach the VM, screenshot, reconnect by itself, a user disconnect holds', async ({
  page,
  webHost,
}, testInfo) => {
  test.setTimeout(480_000);
  const origin = new URL(webHost.url).origin;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  await page.addInitScript(() => sessionStorage.setItem('porthole.testHooks', '1'));

  const name = `Screen ${Math.random().toString(36).slice(2, 7)}`;
  await page.goto(webHost.url);
  await createMachine(page, name);
  const card = page.locator('article.machine-card', { hasText: name });
  await expect(card).toBeVisible();
  const id = (await card.getAttribute('data-testid'))!.replace(/^machine-/, '');
  webHost.track(id);
  const container = containerNameIn(webHost.configDir, id);

  // The wizard starts the machine itself.
  await expectStartingCard(card);
  await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled({ timeout: 120_000 });
  await card.getByRole('button', { name: 'Show screen' }).click();
  const screen = page.getByTestId('screen');
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 120_000 });

  // Every state the screen goes through, in order, as the page saw it.
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="screen"]')!;
    const log: string[] = [];
    (window as unknown as TestWindow).__screenStates = log;
    new MutationObserver(() => {
      const state = `${el.getAttribute('data-screen-state')}#${el.getAttribute('data-session')}`;
      if (log.at(-1) !== state) log.push(state);
    }).observe(el, { attributes: true, attributeFilter: ['data-screen-state', 'data-session'] });
  });
  const states = (): Promise<string[]> => page.evaluate(() => [...(window as unknown as TestWindow).__screenStates]);

  // --- iPXE's banner and the iPXE> prompt ---------------------------------------------------------
  // The shell ISO hands iPXE the command `shell`, so every boot ends at the prompt with no key pressed
  // (a Ctrl+B aimed at iPXE's two-second window missed it on a loaded machine). The VM is reset once, so
  // that a screen that connected late misses nothing of the boot. A key press would stop ISOLINUX's
  // countdown at its `boot:` prompt: Enter there goes on.
  await monitor(container, 'system_reset');
  let text = await waitForIpxePrompt(page, testInfo, { timeout: 120_000, interval: 500 });
  // The boot text came through the screen: iPXE's banner above its prompt.
  expect(text).toMatch(/iPXE/);
  expect(text).toMatch(/Open Source Network Boot Firmware|Ctrl-B|initialising devices/i);

  // --- the keyboard path: real key events on the focused canvas --------------------------------
  const canvas = page.locator('[data-testid="screen-canvas"] canvas');
  await canvas.click();
  await page.keyboard.type('echo porthole42', { delay: 30 });
  await page.keyboard.press('Enter');

  // --- Paste to Windows: the host clipboard typed into the VM ----------------------------------
  await page.evaluate(() => navigator.clipboard.writeText('echo pasted42\n'));
  await page.getByRole('button', { name: 'Paste to Windows' }).click();
  await expect(page.locator('.screen-notice')).toHaveText('Typed 14 characters into Windows.');

  // Each command shows twice: as typed after the prompt, and as its output.
  await expect
    .poll(
      async () => {
        text = await readScreen(page, testInfo);
        return { keyboard: occurrences(text, 'porthole42'), paste: occurrences(text, 'pasted42') };
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toEqual({ keyboard: 2, paste: 2 });
  await saveScreenshot(page, 'screen-ipxe.png');

  // --- Screenshot: a PNG of the framebuffer, downloaded -----------------------------------------
  const fb = PNG.sync.read(await framebufferPng(page));
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Screenshot' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.png$/);
  const pngPath = testInfo.outputPath('downloaded.png');
  await download.saveAs(pngPath);
  const bytes = await readFile(pngPath);
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  // IHDR: width and height are the first two big-endian words after the chunk header.
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  expect({ width, height }).toEqual({ width: fb.width, height: fb.height });
  expect(width).toBeGreaterThanOrEqual(640);
  const shot = PNG.sync.read(bytes);
  let lit = 0;
  const colours = new Set<number>();
  for (let i = 0; i < shot.data.length; i += 4) {
    const r = shot.data[i]!;
    const g = shot.data[i + 1]!;
    const b = shot.data[i + 2]!;
    if (r + g + b > 150) lit += 1;
    colours.add((r << 16) | (g << 8) | b);
  }
  // Text on a black screen: some light pixels, far from all of them, and more than one colour.
  expect(lit).toBeGreaterThan(1000);
  expect(lit).toBeLessThan(width * height * 0.5);
  expect(colours.size).toBeGreaterThan(1);

  // --- Reconnect by itself: the websocket proxy dies and comes back --------------------------
  const before = await screenState(screen);
  expect(before.state).toBe('connected');
  // nginx's master restarts a killed worker at once; every connection through the old one is cut.
  await docker('exec', container, 'pkill', '-KILL', '-f', 'nginx: worker');
  await expect
    .poll(async () => (await screenState(screen)).session, { timeout: 60_000 })
    .toBeGreaterThan(before.session);
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
  const seen = await states();
  await writeFile(testInfo.outputPath('screen-states.txt'), `${seen.join('\n')}\n`);
  const lost = seen.findIndex((s) => s.startsWith('reconnecting#'));
  expect(lost, `states seen: ${seen.join(' ')}`).toBeGreaterThanOrEqual(0);
  expect(
    seen.slice(lost).some((s) => s.startsWith('connected#')),
    `states seen: ${seen.join(' ')}`,
  ).toBe(true);
  expect(
    seen.slice(lost).some((s) => s.startsWith('waiting#')),
    `the machine's status stayed: ${seen.join(' ')}`,
  ).toBe(false);
  // The same VM behind the new session: the prompt and the echoed text are still there.
  await expect
    .poll(async () => occurrences(await readScreen(page, testInfo), 'porthole42'), {
      timeout: 30_000,
      intervals: [1000],
    })
    .toBe(2);

  // --- A user's disconnect stays disconnected --------------------------------------------------
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await expect(screen).toHaveAttribute('data-screen-state', 'disconnected');
  const held = await screenState(screen);
  // Longer than the first reconnect delays (0.5, 1, 2 s): nothing may come back by itself.
  await page.waitForTimeout(6000);
  expect(await screenState(screen)).toEqual(held);
  await page.getByRole('button', { name: 'Connect' }).first().click();
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 30_000 });
  expect((await screenState(screen)).session).toBeGreaterThan(held.session);
});

/** One command to the VM's QEMU monitor, through the socket the stand-in keeps in the container. */
async function monitor(container: string, command: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'docker',
      ['exec', '-i', container, 'socat', '-t', '1', '-', 'UNIX-CONNECT:/run/shm/monitor.sock'],
      {
        stdio: ['pipe', 'ignore', 'inherit'],
      },
    );
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`monitor ${command}: exit ${code}`))));
    child.stdin.end(`${command}\n`);
  });
}
