import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Page, TestInfo } from '@playwright/test';
import { PrivateEngine } from '../../app/core/testing/private-engine';
import { PrivatePodman } from '../../app/core/testing/private-podman';
import { createMachineViaWizard } from '../flows/create-machine';
import { expect, standinImage, startWebHost, test } from './fixtures';

const run = promisify(execFile);
const XK_RETURN = 0xff0d;

interface TestWindow {
  __portholeRfb?: { sendKey(keysym: number, code: string | null, down?: boolean): void };
}

function shellIso(): string {
  const iso = process.env.PORTHOLE_TEST_SHELL_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_SHELL_ISO is not set: the Playwright global setup makes the test ISOs.');
  return iso;
}

// TODO(fold): the same OCR step as screen.spec.ts / screen-ssh.spec.ts; a shared e2e helper is being made from them.
let ocrRuns = 0;
async function readScreen(page: Page, testInfo: TestInfo): Promise<string> {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="screen-canvas"] canvas');
    return canvas && canvas.width > 0 ? canvas.toDataURL('image/png') : null;
  });
  if (!dataUrl) return '';
  ocrRuns += 1;
  const raw = testInfo.outputPath(`engine-screen-${ocrRuns}.png`);
  const prepared = testInfo.outputPath(`engine-screen-${ocrRuns}-ocr.png`);
  await writeFile(raw, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
  await run('convert', [raw, '-colorspace', 'Gray', '-negate', '-filter', 'point', '-resize', '300%', '-threshold', '60%', prepared]);
  const { stdout } = await run('tesseract', [prepared, 'stdout', '--psm', '6'], { maxBuffer: 4 * 1024 * 1024 });
  return stdout;
}

/** A private engine the test starts and stops itself; `docker` is the CLI against it. */
interface Engine {
  env: NodeJS.ProcessEnv;
  docker: (...args: string[]) => Promise<string>;
  /** What the screen page says about the address (none: it says nothing, the port is plainly this computer's). */
  via: (published: number) => string | null;
  dispose: () => Promise<void>;
}

const engines: Record<string, () => Promise<Engine>> = {
  'a private rootful Podman service': async () => {
    const podman = await PrivatePodman.start({ image: standinImage() });
    return { env: podman.env({}), docker: podman.docker, via: () => null, dispose: () => podman.dispose() };
  },
  'a private dockerd over mutual TLS (tcp://127.0.0.1)': async () => {
    const engine = await PrivateEngine.start({ image: standinImage(), tls: true });
    return {
      env: engine.tlsEnv({}),
      docker: engine.docker,
      via: (published) => `The engine (TLS at 127.0.0.1:${engine.tlsPort}) runs on this computer: this is its published port 127.0.0.1:${published} here, no forward needed.`,
      dispose: () => engine.dispose(),
    };
  },
};

/**
 * The screen e2e on the other engines of issue 12 (the ssh one is screen-ssh.spec.ts): a web host on
 * the engine alone (DOCKER_HOST names it), a machine made in the wizard, its iPXE prompt read by OCR
 * from noVNC's canvas, and keys typed there read back. The engine is this test's own and stops with it.
 */
for (const [what, startEngine] of Object.entries(engines)) {
  test(`On ${what}, a machine's screen shows its iPXE prompt (read by OCR) and takes keys`, async ({ page }, testInfo) => {
    test.setTimeout(480_000);
    const engine = await startEngine();
    try {
      const { host: webHost, stop } = await startWebHost(engine.env);
      try {
        const sockets: string[] = [];
        page.on('websocket', (ws) => sockets.push(ws.url()));
        await page.addInitScript(() => sessionStorage.setItem('porthole.testHooks', '1'));
        await page.goto(webHost.url);

        const name = `Engine screen ${Math.random().toString(36).slice(2, 7)}`;
        const id = await createMachineViaWizard(page, { name, iso: shellIso() });
        const card = page.locator('article.machine-card', { hasText: name });
        const start = card.getByRole('button', { name: 'Start', exact: true });
        if ((await start.isVisible()) && (await start.isEnabled())) await start.click();
        await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled({ timeout: 150_000 });

        // The machine's container is on this engine (not the shared one), and its screen port is published there.
        // The engine is this test's own: the machine's container is the only one on it.
        const running = (await engine.docker('ps', '-q', '--no-trunc')).split('\n').filter(Boolean);
        expect(running).toHaveLength(1);
        const container = running[0];
        expect(JSON.parse(await engine.docker('inspect', '--format', '{{json .Config.Labels}}', container!))).toMatchObject({ 'io.porthole.machine': id });
        const published = Number((await engine.docker('port', container!, '8006/tcp')).split('\n')[0]!.split(':').pop());
        expect(published).toBeGreaterThan(0);

        await card.getByRole('button', { name: 'Show screen' }).click();
        await expect(page.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', { timeout: 120_000 });
        const via = engine.via(published);
        if (via) await expect(page.getByTestId('screen-via')).toHaveText(via);
        else await expect(page.getByTestId('screen-via')).toHaveCount(0);
        const vnc = sockets.filter((u) => u.includes('/websockify'));
        expect(vnc.length).toBeGreaterThan(0);
        for (const url of vnc) expect(new URL(url).port).toBe(String(published));

        let text = '';
        let enterAt = 0;
        await expect
          .poll(
            async () => {
              text = await readScreen(page, testInfo);
              if (/iPXE>/.test(text)) return true;
              // ISOLINUX's boot: prompt waits for Enter once a key was seen; send one now and then.
              if (/boot:/.test(text) && Date.now() - enterAt > 5000) {
                enterAt = Date.now();
                await page.evaluate((enter) => {
                  const rfb = (window as unknown as TestWindow).__portholeRfb;
                  rfb?.sendKey(enter, 'Enter', true);
                  rfb?.sendKey(enter, 'Enter', false);
                }, XK_RETURN);
              }
              return false;
            },
            { timeout: 150_000, intervals: [1000] },
          )
          .toBe(true);

        await page.locator('[data-testid="screen-canvas"] canvas').click();
        await page.keyboard.type('echo engine42', { delay: 30 });
        await page.keyboard.press('Enter');
        await expect
          .poll(async () => (await readScreen(page, testInfo)).toLowerCase().replace(/[ \t]+/g, '').split('engine42').length - 1, {
            timeout: 30_000,
            intervals: [1000],
          })
          .toBe(2);
        await engine.docker('rm', '-f', container!);
      } finally {
        await stop();
      }
    } finally {
      await engine.dispose();
    }
  });
}
