import type { PortholeApi } from '@porthole/api';

/**
 * Starts a machine and settles as soon as it visibly does something (downloading the image,
 * preparing, failing with a reason on its card), or when the start call answers, whichever comes
 * first. A start that fails before that rejects, so the caller can say why where the person is.
 */
export function startAndWatch(api: PortholeApi, id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const off = api.subscribe('machineChanged', (view) => {
      // 'unknown' (the engine went away) is no sign of a start: the start call's error says why, here.
      if (view.id === id && !['absent', 'created', 'unknown'].includes(view.status.phase)) finish();
    });
    function finish(error?: unknown): void {
      if (settled) return;
      settled = true;
      off();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new Error(String(error)));
    }
    api.startMachine({ id }).then(
      () => finish(),
      (e: unknown) => finish(e ?? new Error('The machine did not start.')),
    );
  });
}
