// Start to first frame: clicking Start on a stopped machine in Porthole -> the first painted frame of its
// screen (in the screen page, open as a user keeps it), against the baseline: `docker start` of the same
// container + a plain noVNC page (bench/lib/baseline.html) connecting as soon as the port answers.
// The sides alternate, A B A B ..., on the same VM. See README.md.
import { join } from 'node:path';
import { test, expect, type Page } from '@playwright/test';
import { BASELINE_PROBE, openBaseline } from '../lib/baseline-page';
import { benchMachine, docker, repo } from '../lib/bench-machine';
import { installPaintProbe, type PaintProbe } from '../lib/paint-probe';
import { writeReport } from '../lib/report';
import { median } from '../lib/stats';
import { serveBaseline } from '../lib/static-server';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 8);
/** The target: Porthole within 5 % of the baseline (ratio of the medians); reported as met or not. */
const TARGET_RATIO = 1.05;
/**
 * The run fails above this. On this shared 2-core machine one start varies by +-0.5 s between pairs (the
 * engine's own start time), so the target itself would fail runs by noise alone; this catches a real
 * regression (a lost event, a reconnect backoff before the first frame: +0.5 s or more on ~2.5 s).
 */
const MAX_RATIO = 1.2;
const FRAME_TIMEOUT_MS = 120_000;

/** When the engine says the container started (epoch ms): splits each run into "to the start" and "start to frame". */
async function containerStartedAt(container: string): Promise<number> {
  const iso = await docker('inspect', '--format', '{{.State.StartedAt}}', container);
  return Date.parse(iso.replace(/(\.\d{3})\d*Z$/, '$1Z'));
}

type ProbeWindow = Window & { __paintProbe: PaintProbe; startAndConnect(): Promise<number> };

/** How Porthole's screen got there: its state changes, as epoch ms (the cause when it is slow). */
interface ScreenTrace {
  states: { state: string; session: string; at: number }[];
}

async function traceScreen(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __screenTrace: ScreenTrace; __traceObserver?: MutationObserver };
    w.__traceObserver?.disconnect();
    w.__screenTrace = { states: [] };
    const note = (): void => {
      const el = document.querySelector('[data-testid="screen"]');
      if (!el) return;
      const state = `${el.getAttribute('data-screen-state') ?? ''} ${el.querySelector('.screen-panel h2')?.textContent ?? ''}`.trim();
      if (w.__screenTrace.states.at(-1)?.state === state) return;
      w.__screenTrace.states.push({
        state,
        session: el.getAttribute('data-session') ?? '',
        at: performance.timeOrigin + performance.now(),
      });
    };
    const observer = new MutationObserver(note);
    observer.observe(document.body, { subtree: true, attributes: true, childList: true, characterData: true });
    w.__traceObserver = observer;
  });
}

test('start to first frame: Porthole vs. docker start + plain noVNC', async ({ browser }, testInfo) => {
  const vm = await benchMachine('First frame bench');
  const server = await serveBaseline(join(repo, 'bench', 'lib', 'baseline.html'), join(repo, 'node_modules', '@novnc', 'novnc'), vm.container);
  try {
    // Porthole's list (where Start is) and the machine's screen page (open, as a user keeps it), in one context.
    const context = await browser.newContext();
    const probe = { canvasSelector: '[data-testid="screen-canvas"] canvas', overlaySelector: '.screen-overlay' };
    await context.addInitScript(installPaintProbe, probe);
    const list = await context.newPage();
    await list.goto(vm.host.url);
    const card = list.getByTestId(`machine-${vm.id}`);
    await expect(card).toBeVisible({ timeout: 60_000 });
    const screen = await context.newPage();
    await screen.goto(vm.host.url);

    // A first start makes the container (not measured), then it stops: from here on both sides start it.
    await vm.cli('start', vm.id);
    const port = (await docker('port', vm.container, '8006/tcp')).split('\n')[0]!.split(':').at(-1);
    const vncUrl = `ws://127.0.0.1:${port}/websockify`;
    const baseline = await openBaseline(browser, server, vncUrl, { wait: true });
    expect(BASELINE_PROBE.overlaySelector).toBeNull();

    const stop = async (): Promise<void> => {
      await docker('stop', '--time', '120', vm.container);
      await expect(card).toHaveAttribute('data-phase', 'stopped', { timeout: 60_000 });
    };
    await stop();

    const runs: {
      side: 'porthole' | 'baseline';
      ms: number;
      /** From the click (or the page's request to docker start) to the container's StartedAt. */
      toContainerStartMs: number;
      trace?: { state: string; session: string; afterMs: number }[];
    }[] = [];
    for (let pair = 0; pair < PAIRS; pair += 1) {
      // A: Porthole. The screen page shows the stopped machine; Start is clicked on its card.
      await screen.evaluate((id) => (location.hash = `#/screen/${id}`), vm.id);
      await expect(screen.getByText(/is stopped/)).toBeVisible({ timeout: 30_000 });
      await screen.evaluate(() => (window as unknown as ProbeWindow).__paintProbe.armFirstFrame());
      await traceScreen(screen);
      await card.getByRole('button', { name: 'Start', exact: true }).click();
      const clickedAt = await list.evaluate(() => (window as unknown as ProbeWindow).__paintProbe.lastClickAt);
      const portholeFrame = await screen.evaluate((t) => (window as unknown as ProbeWindow).__paintProbe.firstFrameResult(t), FRAME_TIMEOUT_MS);
      expect(clickedAt, 'the click on Start was seen').not.toBeNull();
      expect(portholeFrame, "Porthole's screen painted a frame").not.toBeNull();
      const trace = await screen.evaluate(() => (window as unknown as { __screenTrace: ScreenTrace }).__screenTrace);
      runs.push({
        side: 'porthole',
        ms: portholeFrame! - clickedAt!,
        toContainerStartMs: (await containerStartedAt(vm.container)) - clickedAt!,
        trace: trace.states.map((s) => ({ state: s.state, session: s.session, afterMs: Math.round(s.at - clickedAt!) })),
      });
      // Porthole's screen leaves before the baseline runs, so that it does not connect as a second client.
      await screen.evaluate(() => (location.hash = '#/'));
      await stop();

      // B: the baseline. `docker start`, then the plain noVNC page connects as soon as the port answers.
      await baseline.evaluate(() => (window as unknown as ProbeWindow).__paintProbe.armFirstFrame());
      const startedAt = await baseline.evaluate(() => (window as unknown as ProbeWindow).startAndConnect());
      const baselineFrame = await baseline.evaluate((t) => (window as unknown as ProbeWindow).__paintProbe.firstFrameResult(t), FRAME_TIMEOUT_MS);
      expect(baselineFrame, "the plain page's screen painted a frame").not.toBeNull();
      runs.push({ side: 'baseline', ms: baselineFrame! - startedAt, toContainerStartMs: (await containerStartedAt(vm.container)) - startedAt });
      await stop();
    }

    const of = (side: string, key: 'ms' | 'toContainerStartMs' = 'ms'): number[] => runs.filter((r) => r.side === side).map((r) => r[key]);
    const porthole = median(of('porthole'));
    const plain = median(of('baseline'));
    const pairRatios = Array.from({ length: PAIRS }, (_, i) => of('porthole')[i]! / of('baseline')[i]!);
    const summary = {
      date: new Date().toISOString(),
      pairs: PAIRS,
      runs,
      medianMs: { porthole, baseline: plain },
      ratio: porthole / plain,
      medianPairRatio: median(pairRatios),
      target: TARGET_RATIO,
      targetMet: porthole / plain <= TARGET_RATIO,
      limit: MAX_RATIO,
    };
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    const table = [
      `start to first frame (${summary.date}): ${PAIRS} pairs, A B A B ...`,
      '| pair | Porthole (click Start) | of which to container start | baseline (docker start + noVNC) | of which to container start |',
      '|---|---|---|---|---|',
      ...Array.from(
        { length: PAIRS },
        (_, i) =>
          `| ${i + 1} | ${s(of('porthole')[i]!)} | ${s(of('porthole', 'toContainerStartMs')[i]!)} | ${s(of('baseline')[i]!)} | ${s(of('baseline', 'toContainerStartMs')[i]!)} |`,
      ),
      `| **median** | **${s(porthole)}** | ${s(median(of('porthole', 'toContainerStartMs')))} | **${s(plain)}** | ${s(median(of('baseline', 'toContainerStartMs')))} |`,
      `ratio of the medians Porthole / baseline: ${summary.ratio.toFixed(3)} (target ${TARGET_RATIO}: ${summary.targetMet ? 'met' : 'NOT met'}; fails above ${MAX_RATIO}); median of the pair ratios ${summary.medianPairRatio.toFixed(3)}`,
    ];
    await writeReport(testInfo, 'first-frame', summary, table);
    expect(summary.ratio, 'start to first frame, Porthole / baseline (medians)').toBeLessThanOrEqual(MAX_RATIO);
  } finally {
    await server.close();
    await vm.dispose();
  }
});
