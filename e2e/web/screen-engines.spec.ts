import { PrivateEngine } from '../../app/core/testing/private-engine';
import { PrivatePodman } from '../../app/core/testing/private-podman';
import { createMachineViaWizard, expectStartingCard } from '../flows/create-machine';
import { expect, standinImage, startWebHost, test } from './fixtures';
import { occurrences, readScreen, shellIso, waitForIpxePrompt } from './screen-ocr';
import { saveScreenshot } from './screenshots';

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
      via: (published) =>
        `The engine (TLS at 127.0.0.1:${engine.tlsPort}) runs on this computer: this is its published port 127.0.0.1:${published} here, no forward needed.`,
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
  test(`On ${what}, a machine's screen shows its iPXE prompt (read by OCR) and takes keys`, async ({
    page,
  }, testInfo) => {
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
        await expectStartingCard(card);
        await saveScreenshot(page, `card-after-create-${what.includes('Podman') ? 'podman' : 'tls'}.png`, card);
        await expect(card.getByRole('button', { name: 'Show screen' })).toBeEnabled({ timeout: 150_000 });

        // The machine's container is on this engine (not the shared one), and its screen port is published there.
        // The engine is this test's own: the machine's container is the only one on it.
        const running = (await engine.docker('ps', '-q', '--no-trunc')).split('\n').filter(Boolean);
        expect(running).toHaveLength(1);
        const container = running[0];
        expect(
          JSON.parse(await engine.docker('inspect', '--format', '{{json .Config.Labels}}', container!)),
        ).toMatchObject({ 'io.porthole.machine': id });
        const published = Number(
          (await engine.docker('port', container!, '8006/tcp')).split('\n')[0]!.split(':').pop(),
        );
        expect(published).toBeGreaterThan(0);

        await card.getByRole('button', { name: 'Show screen' }).click();
        await expect(page.getByTestId('screen')).toHaveAttribute('data-screen-state', 'connected', {
          timeout: 120_000,
        });
        const via = engine.via(published);
        if (via) await expect(page.getByTestId('screen-via')).toHaveText(via);
        else await expect(page.getByTestId('screen-via')).toHaveCount(0);
        const vnc = sockets.filter((u) => u.includes('/websockify'));
        expect(vnc.length).toBeGreaterThan(0);
        for (const url of vnc) expect(new URL(url).port).toBe(String(published));

        await waitForIpxePrompt(page, testInfo, { timeout: 150_000, interval: 1000, prefix: 'engine-screen' });

        await page.locator('[data-testid="screen-canvas"] canvas').click();
        await page.keyboard.type('echo engine42', { delay: 30 });
        await page.keyboard.press('Enter');
        await expect
          .poll(async () => occurrences(await readScreen(page, testInfo, 'engine-screen'), 'engine42'), {
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
