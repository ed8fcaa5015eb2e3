import type Docker from 'dockerode';
import { isAbsolute, join } from 'node:path';
import { defaultStateDir } from '../log/app-log';

// Folders the path policy (storage/paths.ts) guards beyond the system's own: the container engine's
// (a delete there removes the engine's files, a guest there writes into the engine), and those where
// a file a guest writes runs on this computer at the next login.

/** A folder and what it holds, for the message. */
export interface GuardedFolder {
  path: string;
  what: string;
}

/**
 * The container engines' own folders where they are by default: rootful Docker and Podman (data and
 * exec roots), and rootless ones under the user's data and runtime folders. What the engine itself
 * reports (its `--data-root` elsewhere) comes from engineReportedFolders.
 */
export function knownEngineFolders(env: NodeJS.ProcessEnv, home: string): string[] {
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const runtime = env.XDG_RUNTIME_DIR;
  const folders = [
    '/var/lib/docker',
    '/var/lib/containers',
    '/run/docker',
    '/var/run/docker',
    '/run/containers',
    '/var/run/containers',
    '/run/libpod',
    '/var/run/libpod',
    join(dataHome, 'docker'),
    join(dataHome, 'containers'),
    join(home, '.local', 'share', 'docker'),
    join(home, '.local', 'share', 'containers'),
    ...(runtime && isAbsolute(runtime) ? [join(runtime, 'docker'), join(runtime, 'containers'), join(runtime, 'libpod')] : []),
  ];
  return [...new Set(folders)];
}

/** How long the engine may take to say where its folders are; without an answer only the defaults are guarded. */
const INFO_DEADLINE_MS = 5_000;

/**
 * The folders the engine reports as its own (GET /info: `DockerRootDir` on Docker, the store's graph
 * root on Podman's compat API). Engine answers are hostile input: only absolute paths of sane length.
 * An engine that does not answer in time gives none (the known defaults still apply).
 */
export async function engineReportedFolders(docker: Docker): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((done) => (timer = setTimeout(() => done(null), INFO_DEADLINE_MS)));
  try {
    const info: unknown = await Promise.race([docker.info() as Promise<unknown>, deadline]);
    if (!info || typeof info !== 'object') return [];
    const root = (info as { DockerRootDir?: unknown }).DockerRootDir;
    return typeof root === 'string' && root.length < 4096 && isAbsolute(root) && !root.includes('\0') ? [root] : [];
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Folders where what a guest writes could run on this computer, or take over its logins: refused as
 * read-write shared folders, allowed read-only with a warning. Porthole's own menu entries, icons and
 * log are among them.
 */
export function sensitiveFolders(env: NodeJS.ProcessEnv, home: string): GuardedFolder[] {
  const config = env.XDG_CONFIG_HOME || join(home, '.config');
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const list: GuardedFolder[] = [
    { path: join(home, '.ssh'), what: 'your ssh keys and the keys allowed to log in as you' },
    { path: join(home, '.gnupg'), what: 'your GnuPG keys' },
    { path: config, what: 'your programs’ settings, autostart entries and user services' },
    { path: join(home, '.config'), what: 'your programs’ settings, autostart entries and user services' },
    { path: join(home, '.local', 'bin'), what: 'programs your session runs' },
    { path: join(dataHome, 'applications'), what: 'the app menu’s entries, Porthole’s among them' },
    { path: join(dataHome, 'icons'), what: 'the app menu’s icons, Porthole’s among them' },
    { path: join(dataHome, 'systemd'), what: 'your user services' },
    { path: defaultStateDir(env, home), what: 'Porthole’s own log' },
  ];
  return list.filter((f, i) => list.findIndex((g) => g.path === f.path) === i);
}
