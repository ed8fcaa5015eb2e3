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
    ...(runtime && isAbsolute(runtime)
      ? [join(runtime, 'docker'), join(runtime, 'containers'), join(runtime, 'libpod')]
      : []),
  ];
  return [...new Set(folders)];
}

/** How long the engine may take to say where its folders are; without an answer only the defaults are guarded. */
const INFO_DEADLINE_MS = 5_000;

/** An absolute path of sane length from an engine answer, or nothing. */
function folderFrom(value: unknown): string[] {
  return typeof value === 'string' && value.length < 4096 && isAbsolute(value) && !value.includes('\0') ? [value] : [];
}

/** GET `path` on the engine, its JSON answer or null; aborted at the deadline. */
function engineGet(docker: Docker, path: string, signal: AbortSignal): Promise<unknown> {
  return new Promise((done) => {
    docker.modem.dial({ path, method: 'GET', statusCodes: { 200: true }, abortSignal: signal }, (err, result) =>
      done(err ? null : result),
    );
  });
}

/**
 * The folders the engine reports as its own: GET /info's `DockerRootDir` (Docker's data root; Podman's
 * compat API answers a store folder there too), and on Podman /libpod/info's store graph and run roots.
 * Docker does not report its exec root: the known defaults cover it. Engine answers are hostile input:
 * only absolute paths of sane length. An engine that does not answer in time gives none (the known
 * defaults still apply).
 */
export async function engineReportedFolders(docker: Docker, podman = false): Promise<string[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), INFO_DEADLINE_MS);
  try {
    const [info, libpod] = await Promise.all([
      engineGet(docker, '/info', abort.signal),
      podman ? engineGet(docker, '/libpod/info', abort.signal) : null,
    ]);
    const folders =
      info && typeof info === 'object' ? folderFrom((info as { DockerRootDir?: unknown }).DockerRootDir) : [];
    const store =
      libpod && typeof libpod === 'object'
        ? (libpod as { store?: { graphRoot?: unknown; runRoot?: unknown } }).store
        : undefined;
    if (store && typeof store === 'object') folders.push(...folderFrom(store.graphRoot), ...folderFrom(store.runRoot));
    return [...new Set(folders)];
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
