import { PortholeError, type FailureFix, type MachineChanges, type MachineView } from '../../api';

/** What applying a fix needs of the machines: the lifecycle's own actions, nothing else. */
export interface FixTarget {
  get(id: string): MachineView;
  update(id: string, changes: MachineChanges): Promise<unknown>;
  start(id: string, opts?: { freshPorts?: boolean }): Promise<void>;
  /** Throws ENGINE_UNAVAILABLE while the engine does not answer: a fix that cannot start changes nothing. */
  assertEngine(): void;
  /** The host check's prediction: false when this computer cannot give machines KVM (their start would fail with exit 88). */
  kvmForMachines(): boolean | undefined;
}

/**
 * Applies a remedy Porthole offers on a failure (failure.fix), the same for the app, the web host and
 * the CLI. Each is a person's explicit choice (the card's button, `porthole fix`), so it is applied
 * whatever failure this process saw: another process may have seen the failure.
 * - software-emulation: KVM off (the person consented), then start.
 * - other-ports: start on new free host ports, saved once the container runs (as any re-chosen port).
 * - choose-iso: `iso` becomes the custom ISO (checked first), then start.
 * - make-room: changes nothing; returns the storage folder to make room in.
 * A fix is for a failed start (or, for software emulation, a first start the host check says will fail for want
 * of KVM): on a machine whose last start did not fail it is refused, saying what it
 * would do, rather than changing settings and starting a machine nobody asked to start. A failed start
 * is what every process sees of it: a container that exited with an error ("failed"), or one the engine
 * made but refused to start ("created").
 */
/** What each fix that starts the machine does, for the refusal on a machine with no failed start. */
const WOULD: Readonly<Record<Exclude<FailureFix, 'make-room'>, string>> = {
  'software-emulation': 'turn KVM off (software emulation, about 10 times slower) and start it',
  'other-ports': 'start it on new host ports',
  'choose-iso': 'make the ISO its custom ISO and start it',
};

export async function applyFix(
  machines: FixTarget,
  id: string,
  fix: FailureFix,
  iso?: string,
): Promise<{ folder?: string }> {
  const machine = machines.get(id);
  if (fix === 'make-room') return { folder: machine.storageDir };
  if (machine.status.running) {
    throw new PortholeError(
      'CONFLICT',
      `“${machine.name}” is running: there is no failed start to fix.`,
      'Stop it first if its settings should change.',
    );
  }
  if (fix === 'choose-iso' && !iso) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      'Choosing another ISO needs the ISO file.',
      `Give its path: porthole fix ${id} choose-iso --iso /path/to/file.iso`,
    );
  }
  machines.assertEngine();
  const { phase } = machine.status;
  // Software emulation is also the fix for a start that is known to fail before it happens: a machine never
  // started, with KVM on, on a computer that cannot give machines KVM (create says so and names this fix).
  const predicted =
    fix === 'software-emulation' && phase === 'absent' && machine.kvm && machines.kvmForMachines() === false;
  if (phase !== 'failed' && phase !== 'created' && !predicted) {
    throw new PortholeError(
      'CONFLICT',
      `“${machine.name}” has no failed start to fix (it is ${phase === 'absent' ? 'not started yet' : phase}). The fix ${fix} would ${WOULD[fix]}. Nothing was changed.`,
      `Start it as it is: porthole start ${id}. If that start fails, Porthole offers the fix for what failed.`,
    );
  }
  switch (fix) {
    case 'software-emulation':
      if (machine.kvm) await machines.update(id, { kvm: false });
      break;
    case 'choose-iso':
      // update checks the file (a readable ISO of 10 MB or more) before anything is saved.
      if (iso !== machine.customIso) await machines.update(id, { customIso: iso });
      break;
    case 'other-ports':
      break;
  }
  await machines.start(id, { freshPorts: fix === 'other-ports' });
  return {};
}
