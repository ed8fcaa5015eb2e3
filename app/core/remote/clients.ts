import { spawn } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The Remote Desktop clients Porthole can start, in order of preference. */
export type ClientKind = 'xfreerdp3' | 'xfreerdp' | 'flatpak-freerdp' | 'remmina';

export interface RemoteClient {
  kind: ClientKind;
  /** What the user is told was opened, e.g. `xfreerdp3`. */
  name: string;
  /** The program to run (an absolute path). */
  command: string;
  /** Arguments before the connection's own (`run com.freerdp.FreeRDP` for the Flatpak). */
  prefix: string[];
}

export const FREERDP_FLATPAK = 'com.freerdp.FreeRDP';

/** The first executable file called `name` in the directories of `path` (a $PATH value). */
export async function findExecutable(name: string, path: string | undefined): Promise<string | null> {
  // Relative entries (and the empty one, which means the working directory) are skipped on purpose:
  // a client must not be picked up from wherever Porthole happens to run.
  const dirs = (path ?? '').split(':').filter((dir) => dir !== '' && isAbsolute(dir));
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return null;
}

/** `flatpak info <app>` succeeds only when the app is installed (for this user or system-wide). */
function flatpakHas(flatpak: string, app: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(flatpak, ['info', app], { env, stdio: 'ignore', timeout: 5000 });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/**
 * The Remote Desktop client to use. FreeRDP comes before Remmina because FreeRDP takes the
 * password on stdin and logs on by itself; Remmina asks for it.
 */
export async function detectClient(env: NodeJS.ProcessEnv): Promise<RemoteClient | null> {
  for (const kind of ['xfreerdp3', 'xfreerdp'] as const) {
    const command = await findExecutable(kind, env.PATH);
    if (command) return { kind, name: kind, command, prefix: [] };
  }
  const flatpak = await findExecutable('flatpak', env.PATH);
  if (flatpak && (await flatpakHas(flatpak, FREERDP_FLATPAK, env))) {
    return {
      kind: 'flatpak-freerdp',
      name: `${FREERDP_FLATPAK} (Flatpak)`,
      command: flatpak,
      prefix: ['run', FREERDP_FLATPAK],
    };
  }
  const remmina = await findExecutable('remmina', env.PATH);
  if (remmina) return { kind: 'remmina', name: 'remmina', command: remmina, prefix: [] };
  return null;
}
