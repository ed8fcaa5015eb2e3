import type { Failure } from '../../api';

/** The disk that holds the storage folder is full: room only the person can make; Porthole shows the folder. */
export const DISK_FULL: Pick<Failure, 'cause' | 'remedy' | 'fix'> = {
  cause: 'The disk that holds this machine’s storage folder is full.',
  remedy:
    'Make room on that disk ("porthole fix ID make-room" names the folder), or give the machine a smaller disk in its settings, then start it again.',
  fix: 'make-room',
};

/** The image's own words for a full disk (qemus/qemu disk.sh), whatever exit code came with them (76 at create, 74 at resize). */
const DISK_FULL_LINE = /Not enough free space|No space left on device/i;

/** Exit codes of the Windows container (contract), in plain words, with the remedy. */
const byExitCode: Record<number, Pick<Failure, 'cause' | 'remedy' | 'fix'>> = {
  88: {
    cause: 'The machine could not use KVM hardware acceleration.',
    remedy:
      'Turn on virtualization (VT-x/AMD-V) in this computer’s firmware, or run the machine in software emulation (about 10× slower), as a nested virtual machine whose CPU hides vmx/svm must. "Check this computer" (porthole check) gives the exact steps.',
    fix: 'software-emulation',
  },
  16: {
    cause: 'The machine has less memory than this Windows needs.',
    remedy: 'Give the machine at least 2 GB of RAM in its settings.',
  },
  73: {
    cause: 'The disk size is below what this Windows needs.',
    remedy: 'Make the disk at least 32 GB (Windows 11 and Server) or 16 GB (Windows 10) in the settings.',
  },
  68: {
    cause: 'Windows could not be downloaded: every download method failed.',
    remedy:
      'Microsoft sometimes blocks downloads by address. Download the ISO yourself and drop it on the window to install from it, or try again later.',
  },
  74: {
    cause: 'The custom ISO could not be used.',
    remedy: 'Check that the ISO file is complete (at least 10 MB) and bootable, or remove it in the settings.',
    fix: 'choose-iso',
  },
  76: DISK_FULL,
  13: {
    cause: 'The machine cannot write to its storage folder.',
    remedy:
      'Check the folder permissions (and on SELinux systems, the volume label :Z), or choose another storage location.',
  },
  12: {
    cause: 'The container was not run as root.',
    remedy: 'Recreate the machine; Porthole runs it as root inside its container.',
  },
  62: {
    cause: 'The language setting is not one the image knows.',
    remedy: 'Pick a language from the list in the settings.',
  },
  137: {
    cause: 'The machine was killed.',
    remedy: 'Start it again. Windows may run a disk check, since it was not shut down cleanly.',
  },
};

/** The image's words when /dev/kvm is in the container but it cannot write to it (qemus/qemu proc.sh). */
const KVM_UNWRITEABLE = /\/dev\/kvm is unwriteable|no write access/i;
const KVM_UNWRITEABLE_FAILURE: Pick<Failure, 'cause' | 'remedy' | 'fix'> = {
  cause:
    'The machine’s container could not write to /dev/kvm. A rootless container engine (Podman, rootless Docker) starts it without your groups, so access through the kvm group does not reach it.',
  remedy:
    'Run "porthole check" (or open the checklist): it says how to give your account access to /dev/kvm. Or turn off hardware acceleration for this machine to run it in software emulation (about 10x slower).',
  fix: 'software-emulation',
};

export function failureFor(exitCode: number | null, lastError: string | undefined, kvmInternalError: boolean): Failure {
  if (kvmInternalError) {
    return {
      exitCode,
      cause: 'QEMU stopped with "KVM internal error": this host\'s (nested) KVM cannot run this guest.',
      remedy: 'Turn off hardware acceleration for this machine in its settings to run it in software emulation.',
      fix: 'software-emulation',
      ...(lastError ? { logLine: lastError } : {}),
    };
  }
  const known =
    lastError && DISK_FULL_LINE.test(lastError)
      ? DISK_FULL
      : exitCode === 88 && lastError && KVM_UNWRITEABLE.test(lastError)
        ? KVM_UNWRITEABLE_FAILURE
        : exitCode === null
          ? undefined
          : byExitCode[exitCode];
  const base = known ?? {
    cause: lastError
      ? `The machine stopped: ${lastError}`
      : `The machine stopped unexpectedly (exit code ${exitCode ?? 'unknown'}).`,
    remedy: 'Open the log to see what happened, then start it again.',
  };
  return { exitCode, ...base, ...(lastError ? { logLine: lastError } : {}) };
}

/** Exit codes that mean a normal end: Windows shut down (0) or was forced off at the end of TIMEOUT (143). */
export function isCleanExit(exitCode: number | null): boolean {
  return exitCode === 0 || exitCode === 143;
}
