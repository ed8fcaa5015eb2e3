import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, standinImage, test } from './fixtures';
import { saveScreenshot } from './screenshots';

const exec = promisify(execFile);

test('live graphs: a running machine’s Graphs tab shows real CPU and memory that move', async ({ page, webHost }) => {
  test.setTimeout(300_000);
  const suffix = Math.random().toString(36).slice(2, 7);
  const { stdout } = await exec(
    process.execPath,
    [
      resolve('out/node/cli.js'),
      'create',
      '--name',
      `Graphs ${suffix}`,
      '--image',
      standinImage(),
      '--ram',
      '2',
      '--cpus',
      '1',
      '--no-kvm',
      '--json',
    ],
    { env: { ...process.env, PORTHOLE_CONFIG_DIR: webHost.configDir, PORTHOLE_DATA_DIR: webHost.dataDir } },
  );
  const id = (JSON.parse(stdout) as { id: string }).id;
  webHost.track(id);

  await page.goto(webHost.url);
  const card = page.getByTestId(`machine-${id}`);
  await card.getByRole('button', { name: /^Start / }).click();

  // The machine page's graphs, while the stand-in's QEMU runs (Windows started: the tile says Running).
  await expect(card).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });
  await page.goto(`${new URL(webHost.url).origin}/#/machines/${id}/graphs`);
  const cpu = page.getByTestId('graph-cpu-now');
  const memory = page.getByTestId('graph-memory-now');
  await expect(cpu).toHaveText(/^\d+\.\d%$/, { timeout: 60_000 });
  await expect(memory).toHaveText(/^[\d.]+ (KB|MB|GB) of [\d.]+ (MB|GB|TB)$/);
  await expect(page.locator('[data-testid="graphs-panel"] canvas')).toHaveCount(4);
  // The numbers move: a new reading a second, real ones (QEMU busy under emulation is never 0.0% for long).
  const readings = new Set<string>();
  await expect
    .poll(
      async () => {
        readings.add(`${await cpu.textContent()} ${await memory.textContent()}`);
        return readings.size;
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBeGreaterThanOrEqual(3);
  const cpuValues = [...readings].map((r) => Number.parseFloat(r));
  expect(Math.max(...cpuValues)).toBeGreaterThan(0);
  await page.waitForTimeout(3_000);
  await saveScreenshot(page, 'machine-graphs.png');
});
