/** Reconnect delays: 0.5 s, 1 s, 2 s, 4 s, then every 5 s while the machine runs. */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_MAX_MS = 5000;
/** A connection that lasted this long was good: the next failure starts the backoff over. */
export const STABLE_CONNECTION_MS = 5000;

/** The delay before reconnect attempt `attempt` (1 = the first retry). */
export function reconnectDelay(attempt: number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 16));
  return Math.min(RECONNECT_BASE_MS * 2 ** exponent, RECONNECT_MAX_MS);
}

/**
 * The first connection to a screen that just became ready: the image reports the screen ready while
 * QEMU is still starting (its "Booting" line comes before QEMU listens), so the first attempts are
 * expected to fail. Until a connection has worked, try again this often, for this long, still
 * "connecting", before the backoff above: the screen shows when it is up, not up to 0.5 s later.
 * The screen shows on average half this interval after QEMU starts listening (bench/first-frame traced
 * it: the first attempt always fails, the second connects); an attempt that fails is a refused local
 * connection, so 20 a second for at most a few seconds of boot cost next to nothing.
 */
export const FIRST_CONNECT_RETRY_MS = 50;
export const FIRST_CONNECT_WINDOW_MS = 10_000;
