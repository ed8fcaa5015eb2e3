import type { LogStreamItem, MachineView } from '../../api';
import type { EngineClient } from '../engine/client';

export interface LogFollowDeps {
  /** The machine's current container, or null when it has none. */
  containerId(): Promise<string | null>;
  engine(): Pick<EngineClient, 'followTail'>;
  /** The machine's view now, and each change of it (from the engine's events, already followed). */
  view(): MachineView;
  onViewChange(listener: (view: MachineView) => void): () => void;
  now?: () => number;
}

/**
 * Follows one machine's container log for one reader: the last `tail` lines, then each new batch,
 * with Porthole's phase changes put in where they happened. When the container stops, the engine
 * request ends and nothing more is asked of the engine until the machine's next start (seen from
 * the events Porthole follows anyway); then the new run is followed from that moment. Returns what
 * stops it all.
 */
export async function followMachineLog(
  deps: LogFollowDeps,
  tail: number,
  emit: (item: LogStreamItem) => void,
  fail: (err: Error) => void,
): Promise<() => void> {
  const now = deps.now ?? Date.now;
  let closed = false;
  let stopEngine: (() => void) | undefined;
  /** While a follow runs: the container it reads. */
  let following: string | null = null;
  /** When the last run ended (ms): the next run is read from there, so nothing is shown twice. */
  let endedAt: number | undefined;
  let phase = deps.view().status.phase;

  const follow = async (containerId: string, options: { tail: number; sinceSeconds?: number }): Promise<void> => {
    following = containerId;
    const stop = await deps.engine().followTail(
      containerId,
      options,
      (lines) => {
        if (!closed) emit({ kind: 'lines', lines });
      },
      () => {
        if (closed || following !== containerId) return;
        following = null;
        stopEngine = undefined;
        endedAt = now();
        // An engine that went away ends the follow like a stop: the next start seen (after a reconnect) resumes it.
        emit({ kind: 'ended' });
        // A container that was already running again when its old stream ended (a quick restart).
        resumeIfRunning(deps.view());
      },
    );
    if (closed) stop();
    else stopEngine = stop;
  };

  const resumeIfRunning = (view: MachineView): void => {
    if (following || closed || !view.status.running || !view.status.containerId) return;
    const id = view.status.containerId;
    emit({ kind: 'started', containerId: id });
    const since = endedAt === undefined ? undefined : endedAt / 1000;
    void follow(id, { tail: 5000, ...(since === undefined ? {} : { sinceSeconds: since }) }).catch((err: unknown) => {
      following = null;
      if (!closed) fail(err instanceof Error ? err : new Error(String(err)));
    });
  };

  const offView = deps.onViewChange((view) => {
    if (closed) return;
    if (view.status.phase !== phase) {
      phase = view.status.phase;
      emit({
        kind: 'phase',
        phase,
        ...(view.status.message ? { message: view.status.message } : {}),
        at: new Date(now()).toISOString(),
      });
    }
    resumeIfRunning(view);
  });

  const close = (): void => {
    closed = true;
    offView();
    stopEngine?.();
    stopEngine = undefined;
  };

  try {
    const containerId = await deps.containerId();
    // A start seen while the container was looked up is followed already (resumeIfRunning): a second
    // follow of the same run would show every line twice.
    if (closed || following) return close;
    if (containerId) await follow(containerId, { tail });
    else emit({ kind: 'ended' });
  } catch (err) {
    close();
    throw err;
  }
  return close;
}
