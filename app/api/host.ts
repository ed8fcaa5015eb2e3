import { z } from 'zod';

/** One readiness probe's verdict: what was found, why it matters, and the fix as commands to copy. */
export const checkResultSchema = z.object({
  /** Stable: kvm | engine | memory | cpu | disk | tun | passwords. */
  id: z.string(),
  title: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  found: z.string(),
  why: z.string(),
  fix: z
    .object({
      text: z.string(),
      /** Shell commands to copy, one a line. Lines starting with `#` are comments that separate alternatives. */
      commands: z.array(z.string()),
    })
    .optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** The container engine Porthole found answering. */
export const engineFactSchema = z.object({
  kind: z.enum(['docker', 'podman', 'unknown']),
  /** e.g. unix:///var/run/docker.sock */
  endpoint: z.string(),
  /** The engine's own version (e.g. 20.10.24), when it says. */
  version: z.string().optional(),
  /** The Docker API version it speaks (e.g. 1.41). */
  apiVersion: z.string().optional(),
  /** Runs as the user, not root: it can pass /dev/kvm only if the user can open it. */
  rootless: z.boolean(),
  /** Docker Desktop: containers run inside its own VM, which has no /dev/kvm. */
  desktop: z.boolean(),
  /**
   * The engine as a user names it. The remote ones run containers on another computer (or behind
   * a network address): their ports, storage and /dev/kvm are that computer's.
   */
  flavor: z
    .enum([
      'docker',
      'docker-rootless',
      'podman',
      'podman-rootless',
      'remote-ssh',
      'remote-tls',
      'remote-tcp',
      'unknown',
    ])
    .optional(),
});
export type EngineFact = z.infer<typeof engineFactSchema>;

export const hostFactsSchema = z.object({
  ramTotalBytes: z.number().nonnegative(),
  ramAvailableBytes: z.number().nonnegative(),
  cpuThreads: z.number().int().nonnegative(),
  freeDiskBytes: z.number().nonnegative().nullable(),
  /** /dev/kvm opens read-write for this user. */
  kvmUsable: z.boolean(),
  /** The CPU shows vmx/svm: the image's own KVM test passes. False on nested hosts that hide them. */
  kvmFlagsVisible: z.boolean(),
  /** /dev/kvm exists (whether or not this user may open it). */
  kvmPresent: z.boolean().optional(),
  /**
   * A machine started now on the engine found can run with KVM=Y: the device reaches the container
   * (this user opens it, or a root engine passes it) and the image's flag test passes. When false,
   * the machine needs KVM=N (software emulation), which Porthole sets only with the user's consent.
   */
  kvmForMachines: z.boolean().optional(),
  /**
   * The engine is a rootless Podman with a crun, and /dev/kvm opens for this user only through a supplementary
   * group (kvm): machines' containers are made through Podman's own API on crun, told to keep the user's groups.
   */
  kvmKeepGroups: z.boolean().optional(),
  /** /dev/net/tun exists: pass it to the container; without it the image falls back to user-mode networking. */
  tunAvailable: z.boolean().optional(),
  /** /dev/bus/usb exists: machines with USB devices get it; without it they start and QEMU waits for the devices. */
  usbBusAvailable: z.boolean().optional(),
  /** The engine that answers, or null when none does. */
  engine: engineFactSchema.nullable().optional(),
  /**
   * Where the KVM facts (and freeDiskBytes) come from: this computer, or, for a remote engine, its
   * computer, read by a short-lived probe container there. A remote engine whose probe could not run
   * keeps this computer's facts, and the KVM check says so.
   */
  kvmCheckedOn: z.enum(['this-computer', 'engine-host']).optional(),
  /** With a remote engine checked there: its computer's name (KVM, free disk space and the storage folder are that computer's). */
  engineHost: z.string().optional(),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;

export const hostReportSchema = z.object({
  checkedAt: z.string(),
  /** True when nothing failed (warnings never block). */
  ready: z.boolean(),
  checks: z.array(checkResultSchema),
  facts: hostFactsSchema,
});
export type HostReport = z.infer<typeof hostReportSchema>;
