/**
 * Installed in a page (page.evaluate): watches the page's AnalyserNode for the stand-in's click, a burst the
 * tone never reaches (|s| >= 0.5, docs/audio.md), and gives the wall-clock time (ms since the epoch) the
 * burst's first sample went through the analyser. The analyser's window (its fftSize) is read every 4 ms; the
 * burst's position in the window says how long ago it passed, so the poll interval does not add to the figure.
 * It reads its own tap on the page's analyser, a longer window (8192 frames, 171 ms), so that a main thread
 * held up by the loaded machine still finds the burst's start.
 */
export interface ClickProbe {
  /** Starts watching for the next burst. */
  arm(): void;
  /** The burst's time, or null if none came within `timeoutMs`, or when the window had already slid past its start. */
  result(timeoutMs: number): Promise<number | null>;
  /** Bursts found only after the window had slid past their start (not timed). */
  late: number;
  /** Main-thread tasks over 50 ms since the probe was installed, and the longest (PerformanceObserver `longtask`). */
  longTasks: { count: number; longestMs: number };
}

export interface ProbeOptions {
  /** The window property holding `{ analyser, context }`: `__portholeAudio` (Porthole) or `__audio` (baseline). */
  hook: string;
  threshold: number;
}

export function installClickProbe({ hook, threshold }: ProbeOptions): void {
  type Hooked = { analyser: AnalyserNode; context: AudioContext };
  let found: number | null | undefined;
  let timer: ReturnType<typeof setInterval> | null = null;
  const audio = (window as unknown as Record<string, Hooked | undefined>)[hook];
  if (!audio) throw new Error(`no ${hook} on this page`);
  // An analyser passes its input through: the tap hears what the page's analyser hears.
  const tap = new AnalyserNode(audio.context, { fftSize: 8192, smoothingTimeConstant: 0 });
  audio.analyser.connect(tap);
  const wave = new Float32Array(tap.fftSize);
  const look = (): void => {
    tap.getFloatTimeDomainData(wave);
    const at = wave.findIndex((s) => Math.abs(s) >= threshold);
    if (at < 0) return;
    const now = performance.timeOrigin + performance.now();
    // At index 0 the burst began before this window: too late to say when.
    if (at === 0) probe.late += 1;
    found = at === 0 ? null : now - ((wave.length - at) / audio.context.sampleRate) * 1000;
    clearInterval(timer!);
    timer = null;
  };
  const probe: ClickProbe = {
    arm() {
      found = undefined;
      if (timer) clearInterval(timer);
      timer = setInterval(look, 4);
    },
    async result(timeoutMs) {
      const until = performance.now() + timeoutMs;
      while (found === undefined && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      if (timer) clearInterval(timer);
      timer = null;
      return found ?? null;
    },
    late: 0,
    longTasks: { count: 0, longestMs: 0 },
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      probe.longTasks.count += 1;
      probe.longTasks.longestMs = Math.max(probe.longTasks.longestMs, entry.duration);
    }
  }).observe({ type: 'longtask' });
  (window as unknown as { __clickProbe: ClickProbe }).__clickProbe = probe;
}
