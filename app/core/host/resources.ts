import { stat } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { CheckResult } from '../../api';
import { GIB, type HostContext } from './context';
import { parseCpuInfo } from './kvm';
import { defaultRamGiB } from '../machine/defaults';

/** The image's default DISK_SIZE. */
export const DEFAULT_DISK_BYTES = 64 * GIB;
/** Windows 10/11/Server refuse less (the image exits 16). */
export const MIN_RAM_BYTES = 2 * GIB;

/** The disk Windows needs at the minimum: 16 GiB for Windows 10, 32 GiB for 11, Server and the rest. */
export function minimumDiskBytesFor(version: string): number {
  return /^(10|10[a-z]|tiny10)$/i.test(version.trim()) ? 16 * GIB : 32 * GIB;
}

function gb(bytes: number): string {
  const v = bytes / GIB;
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} GB`;
}

export interface Memory {
  totalBytes: number;
  availableBytes: number;
}

export function parseMeminfo(text: string): Partial<Memory> {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const totalBytes = kb('MemTotal');
  const availableBytes = kb('MemAvailable');
  return {
    ...(totalBytes !== undefined ? { totalBytes } : {}),
    ...(availableBytes !== undefined ? { availableBytes } : {}),
  };
}

export async function readMemory(ctx: HostContext): Promise<Memory> {
  const parsed = parseMeminfo((await ctx.readText('/proc/meminfo')) ?? '');
  const fallback = ctx.root === '/';
  return {
    totalBytes: parsed.totalBytes ?? (fallback ? totalmem() : 0),
    availableBytes: parsed.availableBytes ?? (fallback ? freemem() : 0),
  };
}

export function memoryCheck(m: Memory): CheckResult {
  const base = { id: 'memory', title: 'Memory' };
  const found = `${gb(m.totalBytes)} in total, ${gb(m.availableBytes)} available now.`;
  // The default a new machine gets here, from the same rule creation uses: the checklist never promises another.
  const defaultBytes = defaultRamGiB(m.totalBytes) * GIB;
  const why =
    m.totalBytes === 0
      ? `Windows needs at least ${gb(MIN_RAM_BYTES)} of memory (the image refuses less).`
      : `Windows needs at least ${gb(MIN_RAM_BYTES)} of memory (the image refuses less); machines get ${gb(defaultBytes)} by default on this computer.`;
  if (m.totalBytes === 0) {
    return { ...base, status: 'warn', found: 'Porthole could not read the amount of memory (/proc/meminfo).', why };
  }
  if (m.totalBytes < MIN_RAM_BYTES) {
    return {
      ...base,
      status: 'fail',
      found,
      why,
      fix: {
        text: `This computer has less memory than Windows needs at the minimum (${gb(MIN_RAM_BYTES)}). Use a computer with more memory.`,
        commands: [],
      },
    };
  }
  if (m.availableBytes < defaultBytes) {
    return {
      ...base,
      status: 'warn',
      found,
      why: `${why} With less available, the image lowers a machine's memory by itself, and below ${gb(MIN_RAM_BYTES)} Windows does not start.`,
      fix: {
        text: 'Close other programs before starting a machine, or give the machine less memory (at least 2 GB).',
        commands: [],
      },
    };
  }
  return { ...base, status: 'ok', found, why };
}

export async function readCpuThreads(ctx: HostContext): Promise<number> {
  if (ctx.cpuThreads) return ctx.cpuThreads();
  return parseCpuInfo((await ctx.readText('/proc/cpuinfo')) ?? '').processors;
}

export function cpuCheck(threads: number): CheckResult {
  const base = { id: 'cpu', title: 'Processor' };
  const found = `${threads} CPU thread${threads === 1 ? '' : 's'}.`;
  const why = 'Machines get 2 CPU cores by default; the image lowers that to what the computer has.';
  if (threads < 2) {
    return {
      ...base,
      status: 'warn',
      found,
      why: `${why} Windows on a single core is very slow.`,
      fix: { text: 'If this is a virtual machine, give it more CPUs.', commands: [] },
    };
  }
  return { ...base, status: 'ok', found, why };
}

export interface DiskSpace {
  /** The storage location as the user knows it. */
  storageDir: string;
  /** The nearest existing ancestor that was measured (real path). */
  measuredAt: string | null;
  freeBytes: number | null;
  error?: string;
}

/** Free space where machine disks will go: measured on the nearest directory that exists. */
export async function readDiskSpace(ctx: HostContext): Promise<DiskSpace> {
  let dir = ctx.storageDir;
  for (;;) {
    try {
      const s = await stat(ctx.at(dir));
      if (s.isDirectory()) break;
    } catch {
      // not there yet: measure its parent
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  try {
    return { storageDir: ctx.storageDir, measuredAt: dir, freeBytes: await ctx.freeBytes(ctx.at(dir)) };
  } catch (err) {
    return {
      storageDir: ctx.storageDir,
      measuredAt: null,
      freeBytes: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

export function diskCheck(d: DiskSpace, minBytes: number): CheckResult {
  const base = { id: 'disk', title: 'Disk space' };
  const comfortable = Math.max(DEFAULT_DISK_BYTES, 2 * minBytes);
  const why =
    `Windows needs at least ${gb(minBytes)} for its disk; the disk file is sparse and grows up to its size as Windows writes, ` +
    'and the installation ISO is kept there until setup ends.';
  if (d.freeBytes === null) {
    return {
      ...base,
      status: 'warn',
      found: `Porthole could not measure the free space at ${d.storageDir} (${d.error ?? 'unknown error'}).`,
      why,
    };
  }
  const where =
    d.measuredAt && d.measuredAt !== d.storageDir
      ? `${d.storageDir} (measured on ${d.measuredAt}, which exists)`
      : d.storageDir;
  const found = `${gb(d.freeBytes)} free at ${where}.`;
  const checkCmd = `df -h ${d.measuredAt ?? d.storageDir}`;
  if (d.freeBytes < minBytes) {
    return {
      ...base,
      status: 'fail',
      found,
      why,
      fix: {
        text: `Free at least ${gb(minBytes - d.freeBytes)} there, or choose a storage location on a larger disk.`,
        commands: [checkCmd],
      },
    };
  }
  if (d.freeBytes < comfortable) {
    return {
      ...base,
      status: 'warn',
      found,
      why: `${why} With less than ${gb(comfortable)} free, a machine's disk (64 GB by default) can fill the filesystem as it grows.`,
      fix: {
        text: 'Free some space, choose a smaller disk for the machine, or a storage location on a larger disk.',
        commands: [checkCmd],
      },
    };
  }
  return { ...base, status: 'ok', found, why };
}

export function tunCheck(present: boolean, sudo: string): CheckResult {
  const base = { id: 'tun', title: 'Network device (TUN)' };
  const why =
    'Machines use /dev/net/tun for their network; without it the image falls back to slower user-mode networking.';
  if (present) return { ...base, status: 'ok', found: '/dev/net/tun exists.', why };
  return {
    ...base,
    status: 'warn',
    found: '/dev/net/tun is missing.',
    why,
    fix: {
      text: 'Load the tun module (and have it load at boot).',
      commands: [`${sudo}modprobe tun`, `echo tun | ${sudo}tee /etc/modules-load.d/tun.conf`],
    },
  };
}
