import type { ActionName, ActionRequest, ActionResponse, MachineView } from '../api';
import { fromEnvelope } from '../api';
import type { Backend } from '../core/backend';
import { terminalSafe, terminalSafeLines } from './terminal-safe';

/** A start's (or a fix's) outcome: 0 once past the image's checks, 1 with the cause and remedy otherwise. */
export function reportStart(settled: MachineView, target: string, command: string, json: boolean, out: (s: string) => void, err: (s: string) => void): number {
  if (!PAST_CHECKS.has(settled.status.phase)) {
    const failure = settled.status.failure;
    // The cause may quote the container's log, and the status message is the guest's: shown escaped.
    const why = failure ? terminalSafeLines(`${failure.cause}\n${failure.remedy}`) : 'The machine stopped before Windows booted. "porthole logs ' + target + '" shows why.';
    if (json) out(JSON.stringify({ error: { code: 'START_FAILED', message: failure?.cause ?? 'stopped', remedy: failure?.remedy, status: settled.status } }, null, 2) + '\n');
    else err(`${target} did not start: ${why}\n`);
    return 1;
  }
  out(json ? JSON.stringify(settled, null, 2) + '\n' : `${command}: ${target} is ${settled.status.phase} (${terminalSafe(settled.status.message ?? settled.status.phase)})\n`);
  return 0;
}

/** Phases that mean the image's own checks passed (QEMU runs), or that the start is over. */
const PAST_CHECKS = new Set(['booting', 'installing', 'running-iso', 'ready', 'stopping']);

/**
 * Starts the machine and waits (on the backend's events, no polling) until it boots or its start
 * ends. Only what happens after the start counts: the machine's status before it (the last run's
 * "failed" or "stopped") is not this start's outcome. Each new status message (download progress)
 * goes to `progress`, so a long preparation is visibly alive.
 */
export async function settledStart(backend: Backend, id: string, start: () => Promise<unknown>, progress: (message: string) => void): Promise<MachineView> {
  let stop: () => void = () => undefined;
  const outcome = new Promise<MachineView>((done) => {
    let last = '';
    let ran = false;
    stop = backend.subscribe((e) => {
      if (e.event !== 'machineChanged' || e.payload.id !== id) return;
      const { phase, message, running } = e.payload.status;
      ran ||= running;
      if (message && message !== last && !PAST_CHECKS.has(phase)) progress(message);
      last = message ?? last;
      // A stop the engine reports while the container was still being made is not the end; one after it ran is.
      if (PAST_CHECKS.has(phase) || phase === 'failed' || (ran && (phase === 'stopped' || phase === 'absent'))) done(e.payload);
    });
  });
  try {
    await start();
    // Already running before this start: nothing new will be announced.
    const now = (await invoke(backend, 'listMachines', {})).find((m) => m.id === id);
    if (now && PAST_CHECKS.has(now.status.phase)) return now;
    return await outcome;
  } finally {
    stop();
  }
}

/** One backend call; a failure becomes the thrown PortholeError the CLI prints. */
export async function invoke<K extends ActionName>(backend: Backend, action: K, request: ActionRequest<K>): Promise<ActionResponse<K>> {
  const result = await backend.invoke(action, request);
  if (!result.ok) throw fromEnvelope(result.error);
  return result.value as ActionResponse<K>;
}

