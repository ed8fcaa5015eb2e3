import type Docker from 'dockerode';
import { STOP_TIMEOUT_SECONDS } from './labels';

// Every request to the engine has a deadline: an engine that accepts the connection and never answers
// must not hang the CLI, the web host or the app. Set on the client's modem, so that every request made
// through it has one, EngineClient's and those of the code handed its dockerode (helper containers).

/** How long an ordinary engine call may take: beyond it the engine is said not to answer. */
export const DEFAULT_ENGINE_DEADLINE_MS = 10_000;
/** On top of a stop's own timeout: the engine then kills the container and waits for it to exit. */
export const STOP_MARGIN_MS = 30_000;
/**
 * The first byte of a pull comes once the engine reached the registry (its own dial timeout is 30 s):
 * a slow registry must not be reported as a stuck engine.
 */
export const PULL_FIRST_BYTE_MS = 120_000;

/** What docker-modem's dial is given (the parts the deadline depends on). */
export interface DialOptions {
  path: string;
  method?: string;
  options?: Record<string, unknown>;
  abortSignal?: AbortSignal;
  isStream?: boolean;
  hijack?: boolean;
}

type DialCallback = (err: unknown, data: unknown) => void;

/** The engine took longer than its deadline; the message says so in plain words, naming the engine. */
export class EngineDeadlineError extends Error {
  readonly code = 'ENGINE_DEADLINE';
  constructor(
    readonly endpoint: string,
    readonly deadlineMs: number,
  ) {
    super(`The container engine at ${endpoint} did not answer within ${secondsText(deadlineMs)}.`);
  }
}

export function secondsText(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * The deadline of one request, in ms, or undefined for none. A stream's (events, a followed log, stats,
 * a pull, an attach) is for its first byte only: docker-modem answers a stream at its headers. A whole
 * answer otherwise. A stop waits for the container's stop timeout first; a wait has none (its caller
 * bounds it: it lasts as long as the container runs).
 */
export function deadlineOf(dial: DialOptions, callMs: number): number | undefined {
  const path = dial.path.split('?')[0] ?? '';
  if (/^\/containers\/[^/]+\/wait$/.test(path)) return undefined;
  if (/^\/containers\/[^/]+\/(stop|restart)$/.test(path)) {
    const t = Number(dial.options?.t ?? STOP_TIMEOUT_SECONDS);
    return (Number.isFinite(t) && t >= 0 ? t : STOP_TIMEOUT_SECONDS) * 1000 + Math.max(STOP_MARGIN_MS, callMs);
  }
  if (path === '/images/create') return Math.max(callMs, PULL_FIRST_BYTE_MS);
  // An archive upload lasts as long as its bytes take: its caller bounds it (a deadline by size, and one for no progress).
  if (dial.method === 'PUT' && /^\/containers\/[^/]+\/archive$/.test(path)) return undefined;
  return callMs;
}

/**
 * Gives every request of `modem` its deadline (deadlineOf): when it passes, the request is destroyed and
 * fails with an EngineDeadlineError. A caller's own abortSignal (a cancelled pull) still ends it, stream
 * included, as before.
 */
export function applyDeadlines(modem: Docker['modem'], endpoint: string, callMs: number): void {
  const target = modem as unknown as { dial: (options: DialOptions, callback: DialCallback) => void };
  const dial = target.dial.bind(target);
  target.dial = (options, callback) => {
    const ms = deadlineOf(options, callMs);
    if (ms === undefined) return dial(options, callback);
    const controller = new AbortController();
    const outer = options.abortSignal;
    const follow = (): void => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', follow, { once: true });
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      controller.abort();
    }, ms);
    dial({ ...options, abortSignal: controller.signal }, (err, data) => {
      clearTimeout(timer);
      // A stream goes on after its headers: the caller's signal must still reach it.
      if (!options.isStream && !options.hijack) outer?.removeEventListener('abort', follow);
      callback(late && err ? new EngineDeadlineError(endpoint, ms) : err, data);
    });
  };
}
