import { execFile } from 'node:child_process';
import { open, readdir, readFile, stat, statfs } from 'node:fs/promises';
import { availableParallelism, homedir, userInfo } from 'node:os';
import { join, posix } from 'node:path';
import { probeSecretService, type PasswordsState } from '../secrets';
import type { EngineRequest } from './engine-http';
import { requestEngine } from './engine-http';

const GiB = 1024 ** 3;

/**
 * Everything a probe reads from the outside world. Every filesystem path is resolved under `root`,
 * so tests build a fake root in a temp dir; the rest is injectable where a fake file cannot stand in
 * (opening a device as root always succeeds, a command inspects the real machine).
 */
export interface HostCheckOptions {
  /** Directory standing for `/`. Default `/`. */
  root?: string;
  env?: NodeJS.ProcessEnv;
  /** Default process.getuid(). 0 drops `sudo` from the commands Porthole suggests. */
  uid?: number;
  /** The user's primary group and all its groups: default process.getgid() and process.getgroups(). */
  gid?: number;
  groups?: readonly number[];
  /** The login name put into suggested commands. Default $USER, $LOGNAME, then the passwd entry. */
  user?: string;
  /** Where machine disks live (a path on the real system, resolved under root). Default $XDG_DATA_HOME/porthole. */
  storageDir?: string;
  /** Disk space Windows needs at the minimum (32 GiB for Windows 11/Server, 16 GiB for 10). Default 32 GiB. */
  minDiskBytes?: number;
  /** Per request to an engine. Default 2000 ms. */
  timeoutMs?: number;
  /** Opens a path read-write and closes it; rejects with the errno error (EACCES, ENOENT, ...). */
  openReadWrite?: (path: string) => Promise<void>;
  /**
   * The uids an access-control list on `path` lets read and write it (getfacl), or null when that cannot
   * be read (no getfacl). Default: runs getfacl on the real path.
   */
  aclWriters?: (path: string) => Promise<number[] | null>;
  /** The hypervisor this machine runs under (systemd-detect-virt --vm), or null. Default: runs it when root is `/`. */
  detectVirt?: () => Promise<string | null>;
  /** Free bytes for an unprivileged user on the filesystem holding `path`. */
  freeBytes?: (path: string) => Promise<number>;
  /** CPU threads usable. Default os.availableParallelism() when root is `/`, else counted in root's /proc/cpuinfo. */
  cpuThreads?: () => number;
  /** One GET to an engine. Default: node:http over the unix socket or TCP. */
  engineRequest?: EngineRequest;
  /**
   * Where new Windows passwords go now. The backend passes its own (so the checklist says what it
   * does); default: probes the Secret Service when root is `/`.
   */
  passwords?: () => Promise<PasswordsState>;
  /** Images machines use on the engine: a remote engine's KVM/disk probe runs in one already there. */
  probeImages?: () => string[];
}

/** The options with every default filled in, plus path helpers. */
export interface HostContext {
  root: string;
  env: NodeJS.ProcessEnv;
  uid: number;
  gid: number;
  /** Every group the user is in (the primary one too). */
  groups: readonly number[];
  user: string;
  /** `sudo ` unless running as root. */
  sudo: string;
  /** The user's home directory as a real path (not under root). */
  home: string;
  storageDir: string;
  minDiskBytes: number;
  timeoutMs: number;
  openReadWrite: (path: string) => Promise<void>;
  aclWriters: (path: string) => Promise<number[] | null>;
  detectVirt: () => Promise<string | null>;
  freeBytes: (path: string) => Promise<number>;
  cpuThreads: (() => number) | undefined;
  engineRequest: EngineRequest;
  passwords: () => Promise<PasswordsState>;
  /** A real absolute path as seen under root. */
  at(path: string): string;
  readText(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  /** The names in a folder, sorted as Go's sort.Strings sorts them (by code unit); [] when it cannot be read. */
  folderNames(path: string): Promise<string[]>;
}

export function hostContext(options: HostCheckOptions = {}): HostContext {
  const root = options.root ?? '/';
  const env = options.env ?? process.env;
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const gid = options.gid ?? process.getgid?.() ?? 0;
  const groups = options.groups ?? process.getgroups?.() ?? [gid];
  const user = options.user ?? env.USER ?? env.LOGNAME ?? loginName();
  const home = env.HOME ?? homedir();
  const at = (path: string): string => (root === '/' ? path : join(root, posix.resolve('/', path)));
  return {
    root,
    env,
    uid,
    gid,
    groups,
    user,
    sudo: uid === 0 ? '' : 'sudo ',
    home,
    storageDir: options.storageDir ?? join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'porthole'),
    minDiskBytes: options.minDiskBytes ?? 32 * GiB,
    timeoutMs: options.timeoutMs ?? 2000,
    openReadWrite: options.openReadWrite ?? openReadWrite,
    aclWriters: options.aclWriters ?? getfaclWriters,
    detectVirt: options.detectVirt ?? (root === '/' ? systemdDetectVirt : async () => null),
    freeBytes: options.freeBytes ?? freeBytesAt,
    cpuThreads: options.cpuThreads ?? (root === '/' ? availableParallelism : undefined),
    engineRequest: options.engineRequest ?? requestEngine,
    passwords:
      options.passwords ??
      (root === '/'
        ? () => probePasswords(env)
        : async () => ({ place: 'file', reason: 'the keyring is not probed under a test root' })),
    at,
    readText: async (path) => {
      try {
        return await readFile(at(path), 'utf8');
      } catch {
        return null;
      }
    },
    exists: async (path) => {
      try {
        await stat(at(path));
        return true;
      } catch {
        return false;
      }
    },
    folderNames: async (path) => {
      try {
        return (await readdir(at(path))).sort();
      } catch {
        return [];
      }
    },
  };
}

function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return '$USER';
  }
}

async function probePasswords(env: NodeJS.ProcessEnv): Promise<PasswordsState> {
  const found = await probeSecretService({ env });
  return found.usable ? { place: 'keyring' } : { place: 'file', reason: found.reason };
}

async function openReadWrite(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  await handle.close();
}

async function freeBytesAt(path: string): Promise<number> {
  const s = await statfs(path);
  return s.bavail * s.bsize;
}

/** `systemd-detect-virt --vm` prints the hypervisor, or "none" (exit 1); absent on some systems. */
/** `user:UID:rw-` entries of getfacl's answer, the mask applied; null when getfacl is missing or fails. */
function getfaclWriters(path: string): Promise<number[] | null> {
  return new Promise((resolve) => {
    execFile(
      'getfacl',
      ['--numeric', '--omit-header', '--absolute-names', '--', path],
      { timeout: 2000, maxBuffer: 64 * 1024 },
      (err, stdout) => {
        if (err) return resolve(null);
        resolve(parseAclWriters(String(stdout)));
      },
    );
  });
}

export function parseAclWriters(text: string): number[] {
  const lines = text.split('\n').map((l) => l.split('#')[0]!.trim());
  const mask = lines.find((l) => l.startsWith('mask::'))?.slice('mask::'.length);
  const rw = (perms: string | undefined): boolean => perms !== undefined && perms[0] === 'r' && perms[1] === 'w';
  const writers: number[] = [];
  for (const line of lines) {
    const m = /^user:(\d+):(\S+)$/.exec(line);
    if (m && rw(m[2]) && (mask === undefined || rw(mask))) writers.push(Number(m[1]));
  }
  return writers;
}

function systemdDetectVirt(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('systemd-detect-virt', ['--vm'], { timeout: 2000 }, (_err, stdout) => {
      const name = String(stdout ?? '').trim();
      resolve(name && name !== 'none' ? name : null);
    });
  });
}

/** The errno code of a failed system call, if it is one. */
export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

export const GIB = GiB;
