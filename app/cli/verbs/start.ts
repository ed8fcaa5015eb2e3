import type { MachineView } from '../../api';
import type { Backend } from '../../core/backend';
import { invoke } from '../backend-call';
import { jsonText } from '../output-json';
import { terminalSafe, terminalSafeLines } from '../terminal-safe';
import type { Verb, VerbContext } from './verb';

export const verb: Verb = {
  usage: '  start ID | stop ID | restart ID | kill ID\n',
  async run(ctx) {
    const target = ctx.needId();
    // "Started" only once the machine is past the image's own checks: a container that the image
    // ends a moment later (KVM test, ISO, disk) is a failed start, not a "done".
    const settled = await settledStart(
      ctx.backend,
      target,
      () => ctx.call('startMachine', { id: target }),
      progressOf(ctx),
    );
    return reportStart(settled, target, ctx.command, ctx.json, ctx.out, ctx.complain);
  },
};

/** Where a start's (or a fix's) progress messages go: said on standard output, not with --json. */
export function progressOf({ json, say }: VerbContext): (message: string) => void {
  return (message) => {
    if (!json) say(`${terminalSafe(message)}\n`);
  };
}

/** A start's (or a fix's) outcome: 0 once past the image's checks, 1 with the cause and remedy otherwise. */
export function reportStart(
  settled: MachineView,
  target: string,
  command: string,
  json: boolean,
  out: (s: string) => void,
  err: (s: string) => void,
): number {
  if (!PAST_CHECKS.has(settled.status.phase)) {
    const failure = settled.status.failure;
    // The cause may quote the container's log, and the status message is the guest's: shown escaped.
    const why = failure
      ? terminalSafeLines(`${failure.cause}\n${failure.remedy}`)
      : (ENDED_WHY[settled.status.phase] ??
        `The machine stopped before Windows booted. "porthole logs ${target}" shows why.`);
    if (json)
      out(
        jsonText({
          error: {
            code: 'START_FAILED',
            message: failure?.cause ?? 'stopped',
            remedy: failure?.remedy,
            status: settled.status,
          },
        }),
      );
    else err(`${target} did not start: ${why}\n`);
    return 1;
  }
  out(
    json
      ? jsonText(settled)
      : `${command}: ${target} is ${settled.status.phase} (${terminalSafe(settled.status.message ?? settled.status.phase)})\n`,
  );
  return 0;
}

/** Phases that mean the image's own checks passed (QEMU runs): the start did what it was asked. */
const PAST_CHECKS = new Set(['booting', 'installing', 'running-iso', 'ready']);

/**
 * Phases that end a start without it having booted, beside "failed": the machine is being stopped (by
 * another process, or the image itself), or the engine stopped answering, so nobody can tell it runs.
 */
const ENDED_WHY: Partial<Record<string, string>> = {
  stopping: 'Something stopped the machine while it was starting (another Porthole window, the tray, or docker stop).',
  unknown:
    'The container engine stopped answering during the start, so Porthole cannot tell whether the machine runs. "porthole check" says what is wrong with the engine.',
};

/**
 * Starts the machine and waits (on the backend's events, no polling) until it boots or its start
 * ends. Only what happens after the start counts: the machine's status before it (the last run's
 * "failed" or "stopped"), shown again while the start runs (a fix saves a setting first, and every
 * saved change shows the machine again), is not this start's outcome. The start call answers once
 * the new run is followed, so from its answer on every status is this start's. Each new status
 * message (download progress) goes to `progress`, so a long preparation is visibly alive.
 */
export async function settledStart(
  backend: Backend,
  id: string,
  start: () => Promise<unknown>,
  progress: (message: string) => void,
): Promise<MachineView> {
  let settle: (view: MachineView) => void = () => undefined;
  const outcome = new Promise<MachineView>((done) => (settle = done));
  let answered = false;
  let ran = false;
  let last = '';
  const stop = backend.subscribe((e) => {
    if (e.event !== 'machineChanged' || e.payload.id !== id) return;
    const { phase, message, running } = e.payload.status;
    if (message && message !== last && !PAST_CHECKS.has(phase)) progress(message);
    last = message ?? last;
    if (!answered) return;
    ran ||= running;
    // A stop the engine reports while the container was still being made is not the end; one after it ran is.
    if (
      PAST_CHECKS.has(phase) ||
      phase === 'failed' ||
      phase in ENDED_WHY ||
      (ran && (phase === 'stopped' || phase === 'absent'))
    )
      settle(e.payload);
  });
  try {
    await start();
    answered = true;
    // The run the start followed: past the checks already, or already ended (the image's KVM test
    // ends it within a second), is the outcome; one still preparing is waited out on its events.
    const now = (await invoke(backend, 'listMachines', {})).find((m) => m.id === id);
    if (now && (PAST_CHECKS.has(now.status.phase) || now.status.phase in ENDED_WHY || !now.status.running)) return now;
    ran = true;
    return await outcome;
  } finally {
    stop();
  }
}
