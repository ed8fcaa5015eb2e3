/**
 * Installed in a page (page.evaluate): watches the page's AnalyserNode for the stand-in's click, a burst the
 * tone never reaches (|s| >= 0.5, docs/audio.md), and gives the wall-clock time (ms since the epoch) the
 * burst's first sample went through the analyser. The analyser's window (its fftSize) is read every 4 ms; the
 * burst's position in the window says how long ago it passed, so the poll interval does not add to the figure.
 */
export interface ClickProbe {
  /** Starts watching for the next burst. */
  arm(): void;
  /** The burst's time, or null if none came within `timeoutMs`, or when the window had already slid past its start. */
  result(timeoutMs: number): Promise<number | null>;
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
  const look = (): void => {
    const audio = (window as unknown as Record<string, Hooked | undefined>)[hook];
    if (!audio) return;
    const wave = new Float32Array(audio.analyser.fftSize);
    audio.analyser.getFloatTimeDomainData(wave);
    const at = wave.findIndex((s) => Math.abs(s) >= threshold);
    if (at < 0) return;
    const now = performance.timeOrigin + performance.now();
    // At index 0 the burst began before this window: too late to say when.
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
  };
  (window as unknown as { __clickProbe: ClickProbe }).__clickProbe = probe;
}
