// The unprivileged account rootless engines of the tests (Podman, Docker) run as, and what such an
// engine needs from the host: subordinate ids, and the tun device for user-mode networking.
import { readdir, readFile } from 'node:fs/promises';
import { program, until } from './processes';

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
}

/** The test bed's rootless account, and its subordinate ids (above any person's usual range). */
const ROOTLESS_USER = 'porthole-podman-it';
const SUBORDINATE_IDS = '1000000-1065535';
const TUN = '/dev/net/tun';

/** A system user (no home, no login) with 65536 subordinate uids and gids, made once and kept. */
export async function rootlessUser(): Promise<TestUser> {
  const name = ROOTLESS_USER;
  const exists = await program('id', ['-u', name]).then(
    () => true,
    () => false,
  );
  if (!exists)
    await program('useradd', [
      '--system',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      name,
    ]);
  const [subuid, subgid] = await Promise.all(
    ['/etc/subuid', '/etc/subgid'].map((f) => readFile(f, 'utf8').catch(() => '')),
  );
  const listed = (text: string | undefined): boolean =>
    (text ?? '').split('\n').some((line) => line.startsWith(`${name}:`));
  if (!listed(subuid)) await program('usermod', ['--add-subuids', SUBORDINATE_IDS, name]);
  if (!listed(subgid)) await program('usermod', ['--add-subgids', SUBORDINATE_IDS, name]);
  const [uid, gid] = await Promise.all([program('id', ['-u', name]), program('id', ['-g', name])]);
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * slirp4netns (rootless networking) and a machine's /dev/net/tun device need the user to open the tun
 * device. Debian makes it 0666; these test machines 0600 (measured: slirp4netns then fails with
 * `open("/dev/net/tun"): Permission denied`). An ACL for this user only, revoked at the end.
 */
export async function grantTun(user: TestUser): Promise<void> {
  await program('setfacl', ['-m', `u:${user.name}:rw`, TUN]);
}

export async function revokeTun(user: TestUser): Promise<void> {
  await program('setfacl', ['-x', `u:${user.name}`, TUN]).catch(() => undefined);
}

/** `command args` as `user` (its ids and groups; no PAM session, no password). */
export function asUser(user: TestUser | undefined, command: readonly string[]): [string, ...string[]] {
  const [cmd, ...args] = command;
  if (!user) return [cmd!, ...args];
  return ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', cmd!, ...args];
}

/** Processes (not zombies, not this one) whose environment holds `entry`: one naming a path unique to one engine. */
export async function pidsWith(entry: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  const found: number[] = [];
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(entry)) found.push(Number(pid));
  }
  return found;
}

/**
 * Ends every process marked with `entry` (SIGTERM, then SIGKILL after `timeoutMs`). Rootless engines
 * re-execute themselves inside their user namespace and keep helpers (podman's pause process,
 * rootlesskit's children): the process a test spawned may end while they live on.
 */
export async function endProcessesWith(entry: string, timeoutMs: number): Promise<void> {
  for (const pid of await pidsWith(entry)) signal(pid, 'SIGTERM');
  await until(async () => (await pidsWith(entry)).length === 0, timeoutMs, 'the engine’s processes to end').catch(
    async () => {
      for (const pid of await pidsWith(entry)) signal(pid, 'SIGKILL');
    },
  );
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
