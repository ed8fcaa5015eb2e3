// The audio benchmark: what a user hears at the screen. Click-to-sound latency (the stand-in writes a click
// into its /audio stream -> the page's analyser sees it) and underruns over a steady stretch, Porthole's
// player (AudioWorklet ring buffer, #/screen/<id> through the web host) against upstream dockur's player
// (scheduled AudioBufferSourceNodes, baseline.html), both on the same machine's stream in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect, type Browser, type Page } from '@playwright/test';
import { benchMachine, docker, repo } from '../lib/bench-machine';
import { writeReport } from '../lib/report';
import { median, percentile } from '../lib/stats';
import { serveBaseline, type StaticServer } from '../lib/static-server';
import { installClickProbe, type ClickProbe } from './click-probe';

const CLICKS = Number(process.env.BENCH_CLICKS ?? 40);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
/**
 * Busy child processes (node, LOAD_SCRIPT) run beside the measured part (clicks and steady stretch, not the
 * machine's boot), so the underrun claim is tested under a load we set: BENCH_LOAD=4 on 2 cores is ~3x over them.
 */
const LOAD = Number(process.env.BENCH_LOAD ?? 0);
/** The burst is 24576/32768; the tone never passes 8192/32768 (docs/audio.md). Both pages play at full volume. */
const THRESHOLD = 0.5;
/**
 * Porthole's median click-to-analyser latency must stay under this, with BENCH_LOAD too: the adaptive target
 * trades latency for no gaps only up to its 120 ms ceiling (about 140 ms from click to analyser).
 */
const MAX_MEDIAN_MS = 150;

type ProbeWindow = Window & { __clickProbe: ClickProbe };
interface Underruns {
  underruns: number;
}
interface RingStats extends Underruns {
  buffered: number;
  /** The adaptive jitter target (frames) and the lateness it follows; absent in the previous player. */
  target?: number;
  lateness?: number;
  resyncs: number;
  dropped: number;
}

interface Side {
  name: 'porthole' | 'baseline';
  page: Page;
  latencies: number[];
  missed: number;
  underruns(): Promise<number>;
}

/**
 * The worklet's stats now: the hook's stats() asks the worklet and gives its previous answer, so ask, wait for
 * the answer (a few render quanta), and ask again. The previous player (before the adaptive target) reported
 * unasked, ten times a second.
 */
function portholeStats(page: Page): Promise<RingStats | null> {
  return page.evaluate(async () => {
    const hook = (window as unknown as { __portholeAudio: { stats(): RingStats | null } }).__portholeAudio;
    hook.stats();
    await new Promise((r) => setTimeout(r, 30));
    return hook.stats();
  });
}

/**
 * One load process: busy, and churning memory as a compiler does (16 MB of fresh arrays, collected over and over),
 * so the memory bus and the collector's helper threads are busy too. Plain `for (;;) {}` loops did not take
 * the previous player's underruns from 0 (load 7.7 on 2 cores): the scheduler lets a sleeper that wakes every
 * 10 ms (the tone generator, the browser's threads) in ahead of them.
 */
const LOAD_SCRIPT = 'let a = []; for (;;) { a.push(new Float64Array(1e4).fill(1)); if (a.length > 200) a = []; }';

function startLoad(n: number): ChildProcess[] {
  return Array.from({ length: n }, () =>
    spawn(process.execPath, ['-e', LOAD_SCRIPT], { stdio: 'ignore', detached: false }),
  );
}

function stopLoad(children: ChildProcess[]): void {
  for (const child of children) child.kill('SIGKILL');
}

function spread(values: number[]): { min: number; median: number; max: number } {
  return values.length
    ? { min: Math.min(...values), median: median(values), max: Math.max(...values) }
    : { min: NaN, median: NaN, max: NaN };
}

async function openPorthole(browser: Browser, hostUrl: string, id: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.addInitScript((machine) => {
    sessionStorage.setItem('porthole.testHooks', '1');
    localStorage.setItem(`porthole.screenSound.${machine}`, JSON.stringify({ volume: 1, muted: false }));
  }, id);
  await page.goto(hostUrl);
  await page.evaluate((machine) => (location.hash = `#/screen/${machine}`), id);
  const screen = page.getByTestId('screen');
  await expect(screen).toHaveAttribute('data-screen-state', 'connected', { timeout: 180_000 });
  // The gesture Chromium's autoplay policy waits for, as a user gives it: a click on the screen.
  await page.getByTestId('screen-canvas').click();
  await expect(screen).toHaveAttribute('data-sound-state', 'playing', { timeout: 30_000 });
  await page.evaluate(installClickProbe, { hook: '__portholeAudio', threshold: THRESHOLD });
  return page;
}

async function openBaseline(browser: Browser, server: StaticServer, audioUrl: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.origin}/?url=${encodeURIComponent(audioUrl)}`);
  await page.getByRole('button', { name: 'Start sound' }).click();
  await page.waitForFunction(
    () => (window as unknown as { __audio?: { context: AudioContext } }).__audio?.context.state === 'running',
  );
  await page.evaluate(installClickProbe, { hook: '__audio', threshold: THRESHOLD });
  return page;
}

/** Both pages hear the tone (a level, not silence) before the clicks start. */
async function waitForTone(page: Page, hook: string): Promise<void> {
  await expect
    .poll(
      () =>
        page.evaluate((name) => {
          const audio = (window as unknown as Record<string, { analyser: AnalyserNode } | undefined>)[name];
          if (!audio) return 0;
          const wave = new Float32Array(audio.analyser.fftSize);
          audio.analyser.getFloatTimeDomainData(wave);
          return Math.max(...wave.map(Math.abs));
        }, hook),
      { timeout: 60_000, message: `the tone reaches ${hook}'s analyser` },
    )
    .toBeGreaterThan(0.1);
}

test('audio benchmark: click-to-sound latency and underruns, Porthole vs. upstream dockur player on the same stream', async ({
  browser,
}) => {
  const vm = await benchMachine('Audio bench');
  const server = await serveBaseline(
    join(repo, 'bench', 'audio', 'baseline.html'),
    join(repo, 'node_modules', '@novnc', 'novnc'),
  );
  let load: ChildProcess[] = [];
  try {
    await vm.cli('start', vm.id);
    const endpoint = JSON.parse(await vm.cli('screen', vm.id, '--json')) as { url: string; audio?: string };
    expect(endpoint.audio, 'the machine has sound (screenEndpoint.audio)').toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/audio$/);
    const porthole = await openPorthole(browser, vm.host.url, vm.id);
    const baseline = await openBaseline(browser, server, endpoint.audio!);
    await waitForTone(porthole, '__portholeAudio');
    await waitForTone(baseline, '__audio');
    load = startLoad(LOAD);
    // Settle: both players past their start (Porthole's jitter buffer, upstream's 150 ms lead), the load running.
    await new Promise((r) => setTimeout(r, LOAD ? 5000 : 2000));

    const sides: Side[] = [
      {
        name: 'porthole',
        page: porthole,
        latencies: [],
        missed: 0,
        underruns: async () => (await portholeStats(porthole))?.underruns ?? 0,
      },
      {
        name: 'baseline',
        page: baseline,
        latencies: [],
        missed: 0,
        underruns: () =>
          baseline.evaluate(() => (window as unknown as { __audio: { stats(): Underruns } }).__audio.stats().underruns),
      },
    ];

    // Clicks: both pages hear each one (the stand-in writes it into every client's stream).
    // Porthole's ring from the first click to the end: [s since the first click, target ms, lateness ms, buffered ms, underruns].
    const timeline: number[][] = [];
    const t0 = Date.now();
    const sample = async (): Promise<RingStats> => {
      const now = (await portholeStats(porthole))!;
      const ms = (frames: number | undefined): number => Math.round(((frames ?? NaN) / 48) * 10) / 10;
      timeline.push([(Date.now() - t0) / 1000, ms(now.target), ms(now.lateness), ms(now.buffered), now.underruns]);
      return now;
    };
    const clicksBefore = await sample();
    for (let i = 0; i < CLICKS; i += 1) {
      const nonce = `${Date.now()}-${i}`;
      await Promise.all(sides.map((s) => s.page.evaluate(() => (window as unknown as ProbeWindow).__clickProbe.arm())));
      await docker('exec', vm.container, 'sh', '-c', `echo ${nonce} > /run/standin/click`);
      const heard = await Promise.all(
        sides.map((s) => s.page.evaluate(() => (window as unknown as ProbeWindow).__clickProbe.result(3000))),
      );
      const clicked = (await docker('exec', vm.container, 'cat', '/run/standin/clicked')).split(/\s+/);
      for (const [k, side] of sides.entries()) {
        const at = heard[k];
        if (clicked[0] !== nonce || at == null) side.missed += 1;
        else side.latencies.push(at - Number(clicked[1]));
      }
      await sample();
      // Not in step with the generator's 10 ms ticks or the render quanta.
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
    const clicksUnderruns = (await sample()).underruns - clicksBefore.underruns;

    // Underruns over a steady stretch: nothing else happens.
    const before = await Promise.all(sides.map((s) => s.underruns()));
    // Porthole's ring over the stretch: how full it was (ms), and its resyncs and dropped frames.
    const ring = sample;
    const bufferedMs: number[] = [];
    const targetMs: number[] = [];
    const ringBefore = await ring();
    for (let t = 0; t < STEADY_SECONDS * 4; t += 1) {
      await new Promise((r) => setTimeout(r, 250));
      const now = await ring();
      bufferedMs.push(now.buffered / 48);
      if (now.target !== undefined) targetMs.push(now.target / 48);
    }
    const ringAfter = await ring();
    const after = await Promise.all(sides.map((s) => s.underruns()));
    const steady = sides.map((_, k) => after[k]! - before[k]!);

    const probes = await Promise.all(
      sides.map((s) =>
        s.page.evaluate(() => {
          const { late, longTasks } = (window as unknown as ProbeWindow).__clickProbe;
          return { late, longTasks };
        }),
      ),
    );
    const loadAverage = (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).map(Number);
    stopLoad(load);
    const [p, b] = sides as [Side, Side];
    const latency = (s: Side) => ({
      clicks: s.latencies.length,
      missed: s.missed,
      medianMs: s.latencies.length ? median(s.latencies) : NaN,
      p95Ms: s.latencies.length ? percentile(s.latencies, 95) : NaN,
      minMs: Math.min(...s.latencies),
    });
    const summary = {
      date: new Date().toISOString(),
      clicks: CLICKS,
      steadySeconds: STEADY_SECONDS,
      latency: { porthole: latency(p), baseline: latency(b) },
      underruns: { porthole: steady[0], baseline: steady[1] },
      // Why a click was missed or an underrun came: the probe found the burst too late; the page's main thread was held.
      probes: { porthole: probes[0], baseline: probes[1] },
      loadAverage,
      benchLoad: LOAD,
      portholeRing: {
        bufferedMs: spread(bufferedMs),
        // The adaptive jitter target over the stretch, sampled every 250 ms (empty in the previous player).
        targetMs: spread(targetMs),
        resyncs: ringAfter.resyncs - ringBefore.resyncs,
        droppedFrames: ringAfter.dropped - ringBefore.dropped,
      },
      // Porthole's underruns while the clicks ran (before the steady stretch), and the ring's timeline.
      clicksUnderruns,
      timeline,
      ratio: { medianLatency: latency(p).medianMs / latency(b).medianMs },
      limits: { portholeMedianMs: MAX_MEDIAN_MS, underrunsTarget: 0 },
    };
    const f = (n: number): string => n.toFixed(1);
    const table = [
      `audio bench (${summary.date}): ${CLICKS} clicks heard on both sides; underruns over ${STEADY_SECONDS} s steady`,
      '| | Porthole (worklet ring) | upstream (scheduled buffers) | ratio | limit |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| click -> analyser, median | ${f(summary.latency.porthole.medianMs)} ms | ${f(summary.latency.baseline.medianMs)} ms | ${summary.ratio.medianLatency.toFixed(2)} | < ${MAX_MEDIAN_MS} ms |`,
      `| click -> analyser, p95 | ${f(summary.latency.porthole.p95Ms)} ms | ${f(summary.latency.baseline.p95Ms)} ms | | |`,
      `| clicks missed | ${p.missed} | ${b.missed} | | 0 |`,
      `| underruns in ${STEADY_SECONDS} s | ${steady[0]} | ${steady[1]} | | target 0 |`,
      `| Porthole underruns during the clicks | ${clicksUnderruns} | | | |`,
      `| main-thread tasks > 50 ms (longest) | ${probes[0]!.longTasks.count} (${f(probes[0]!.longTasks.longestMs)} ms) | ${probes[1]!.longTasks.count} (${f(probes[1]!.longTasks.longestMs)} ms) | | |`,
      `load average ${loadAverage.join(' ')} (BENCH_LOAD=${LOAD}); Porthole's ring over the ${STEADY_SECONDS} s: ${JSON.stringify(summary.portholeRing)}`,
    ];
    await writeReport(test.info(), 'audio-bench', summary, table);
    expect(p.missed, 'Porthole heard every click').toBeLessThanOrEqual(Math.floor(CLICKS * 0.05));
    expect(summary.latency.porthole.medianMs).toBeLessThan(MAX_MEDIAN_MS);
  } finally {
    stopLoad(load);
    await server.close();
    await vm.dispose();
  }
});
