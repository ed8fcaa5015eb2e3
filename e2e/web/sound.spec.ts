import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { expect, standinImage, test } from './fixtures';

const exec = promisify(execFile);

/** What the page exposes with its test hooks on (renderer/src/audio/player.ts, AudioTestHook). */
interface AudioWindow {
  __portholeAudio?: {
    analyser: AnalyserNode;
    context: AudioContext;
    state(): string;
    stats(): { underruns: number; playing: boolean } | null;
  };
}

/** The analyser's view of what plays: its loudest frequency and its RMS level, or null without a player. */
function listen(page: Page): Promise<{ peakHz: number; rms: number } | null> {
  return page.evaluate(() => {
    const audio = (window as unknown as AudioWindow).__portholeAudio;
    if (!audio) return null;
    const { analyser } = audio;
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(spectrum);
    let peak = 1;
    for (let i = 1; i < spectrum.length; i += 1) if (spectrum[i]! > spectrum[peak]!) peak = i;
    const wave = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(wave);
    const rms = Math.sqrt(wave.reduce((sum, s) => sum + s * s, 0) / wave.length);
    return { peakHz: (peak * audio.context.sampleRate) / analyser.fftSize, rms };
  });
}

/** The page's websockets to a machine's sound, as the browser saw them open and close. */
function audioSockets(page: Page): { open(): number; opened(): number; frames(): number } {
  let opened = 0;
  let closed = 0;
  let frames = 0;
  page.on('websocket', (ws) => {
    if (!ws.url().endsWith('/audio')) return;
    opened += 1;
    ws.on('framereceived', () => (frames += 1));
    ws.on('close', () => (closed += 1));
  });
  return { open: () => opened - closed, opened: () => opened, frames: () => frames };
}

// The stand-in with AUDIO=Y (new machines have sound on) streams a 440 Hz tone on /audio (docs/audio.md).
test('The screen plays the machine’s sound: the 440 Hz tone reaches the analyser, mute silences it and is remembered, closing the screen closes the sound socket', async ({
  page,
  webHost,
}) => {
  test.setTimeout(420_000);
  const iso = process.env.PORTHOLE_TEST_ISO;
  if (!iso) throw new Error('PORTHOLE_TEST_ISO is not set: the Playwright global setup makes the test ISO.');
  const cli = (args: string[]) =>
    exec(process.execPath, [resolve('out/node/cli.js'), ...args], {
      env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir },
    });
  const name = `Sound ${Math.random().toString(36).slice(2, 7)}`;
  const { stdout } = await cli([
    'create',
    '--name',
    name,
    '--image',
    standinImage(),
    '--ram',
    '2',
    '--cpus',
    '1',
    '--no-kvm',
    '--iso',
    iso,
    '--json',
  ]);
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);
  await cli(['start', id]);

  const sockets = audioSockets(page);
  await page.addInitScript(() => sessionStorage.setItem('porthole.testHooks', '1'));
  await page.goto(webHost.url);
  await page.evaluate((machine) => (location.hash = `#/screen/${machine}`), id);
  const screen = page.getByTestId('screen');
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 180_000 });
  const sound = page.getByRole('group', { name: 'Sound' });
  await expect(sound.getByRole('button', { name: 'Mute sound' })).toHaveAttribute('aria-pressed', 'false');
  await expect(sound.getByRole('slider', { name: 'Volume' })).toBeVisible();
  // In an 800×600 window the toolbar, sound included, shows every control on its one row (nothing scrolled away).
  const size = page.viewportSize();
  await page.setViewportSize({ width: 800, height: 600 });
  const toolbar = page.getByRole('toolbar', { name: 'Screen' });
  await expect(page.getByRole('button', { name: 'Disconnect' })).toBeInViewport({ ratio: 1 });
  expect(await toolbar.evaluate((bar) => bar.scrollWidth <= bar.clientWidth)).toBe(true);
  if (size) await page.setViewportSize(size);

  // A click in the screen is the gesture Chromium's autoplay policy waits for (a no-op when it did not hold the sound).
  await page.getByTestId('screen-canvas').click();
  await expect(screen).toHaveAttribute('data-sound-state', 'playing', { timeout: 30_000 });
  expect(sockets.open()).toBe(1);

  // The tone, through the worklet and the gain, as the analyser hears it.
  await expect
    .poll(async () => (await listen(page))?.rms ?? 0, { timeout: 60_000, message: 'the tone reaches the analyser' })
    .toBeGreaterThan(0.05);
  const heard = (await listen(page))!;
  expect(Math.abs(heard.peakHz - 440)).toBeLessThan(30);
  expect(sockets.frames(), 'the sound came through the /audio socket').toBeGreaterThan(0);

  // Mute: silence at the analyser, and the button says so.
  await sound.getByRole('button', { name: 'Mute sound' }).click();
  await expect(sound.getByRole('button', { name: 'Mute sound' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await listen(page))?.rms ?? 1, { timeout: 10_000 }).toBeLessThan(0.001);

  // Remembered for this machine: the screen opened again starts muted.
  await page.evaluate(() => (location.hash = '#/'));
  await expect(screen).toHaveCount(0);
  await expect.poll(() => sockets.open(), { message: 'leaving the screen closes the sound socket' }).toBe(0);
  expect(await page.evaluate(() => (window as unknown as AudioWindow).__portholeAudio === undefined)).toBe(true);
  await page.evaluate((machine) => (location.hash = `#/screen/${machine}`), id);
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 60_000 });
  await expect(sound.getByRole('button', { name: 'Mute sound' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => sockets.open()).toBe(1);
  expect(sockets.opened()).toBe(2);

  // Unmuted, the tone is back at the volume set on the slider.
  await sound.getByRole('button', { name: 'Mute sound' }).click();
  await sound.getByRole('slider', { name: 'Volume' }).fill('40');
  await expect.poll(async () => (await listen(page))?.rms ?? 0, { timeout: 30_000 }).toBeGreaterThan(0.02);
  // A 440 Hz sine at amplitude 8192/32768 has an RMS of 0.177; at 40% it is 0.071.
  await expect.poll(async () => (await listen(page))?.rms ?? 1, { timeout: 10_000 }).toBeLessThan(0.09);

  // Closing the screen (its page) closes the sound socket and the audio context.
  const context = page.evaluate(() => {
    const audio = (window as unknown as AudioWindow).__portholeAudio!;
    return new Promise<string>((done) => {
      audio.context.addEventListener('statechange', () => {
        if (audio.context.state === 'closed') done('closed');
      });
    });
  });
  await page.evaluate(() => (location.hash = '#/'));
  expect(await context).toBe('closed');
  await expect.poll(() => sockets.open()).toBe(0);
});
