import { tmpdir } from 'node:os';
import type { MachineSettings } from '../../api';
import { hostContext } from '../host/context';
import { parseOsRelease, readDistro } from '../host/distro';
import { detectClient } from './clients';
import { installFix } from './install-fix';
import { launchClient } from './launch';

export { detectClient, findExecutable, type ClientKind, type RemoteClient } from './clients';
export { installFix, type InstallFix } from './install-fix';

export interface RemoteDesktopResult {
  launched: boolean;
  client: string | null;
  fix?: { text: string; commands: string[] };
  /** The address the client was given, and how it reaches the machine when that is not plainly here. */
  address?: string;
  note?: string;
}

export interface RemoteDesktopOptions {
  /** The environment: PATH is searched for clients, and the client gets it (DISPLAY, WAYLAND_DISPLAY...). */
  env: NodeJS.ProcessEnv;
  /** Directory standing for `/` when reading os-release (tests). Default `/`. */
  root?: string;
  /** Default process.getuid(); 0 drops `sudo` from the install commands. */
  uid?: number;
  /** Where the client's private working directory is made. Default os.tmpdir(). */
  tmpDir?: string;
  /** How long to watch for a client that quits at once, in ms. Default 2000. */
  watchMs?: number;
  /** The longest a Remmina profile is kept while Remmina runs, in ms. Default 30000. */
  profileLifetimeMs?: number;
  /** Where the RDP port is reached from here (engine/machine-address.ts); default 127.0.0.1:<its RDP port>. */
  address?: { host: string; port: number; note?: string };
}

/**
 * Opens the machine's Windows in a Remote Desktop client at 127.0.0.1:<RDP port>, logged on as
 * the machine's user. The password is written to FreeRDP's stdin, never put on a command line
 * or in a file; Remmina asks the user for it. Without a client: how to install one.
 */
export async function openRemoteDesktop(
  machine: MachineSettings,
  options: RemoteDesktopOptions,
): Promise<RemoteDesktopResult> {
  const { env } = options;
  const client = await detectClient(env);
  if (!client) return { launched: false, client: null, fix: await clientInstallFix(options) };
  const address = options.address ? `${options.address.host}:${options.address.port}` : undefined;
  await launchClient(client, machine, {
    ...(address ? { address } : {}),
    env,
    tmpDir: options.tmpDir ?? env.TMPDIR ?? tmpdir(),
    watchMs: options.watchMs ?? 2000,
    profileLifetimeMs: options.profileLifetimeMs ?? 30_000,
  });
  return {
    launched: true,
    client: client.name,
    ...(address ? { address } : {}),
    ...(options.address?.note ? { note: options.address.note } : {}),
  };
}

/** How to install a client on this distribution (FreeRDP first). */
export async function clientInstallFix(
  options: Pick<RemoteDesktopOptions, 'env' | 'root' | 'uid'>,
): Promise<{ text: string; commands: string[] }> {
  const ctx = hostContext({
    env: options.env,
    ...(options.root ? { root: options.root } : {}),
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
  });
  const distro = await readDistro(ctx);
  const osRelease = parseOsRelease(
    (await ctx.readText('/etc/os-release')) ?? (await ctx.readText('/usr/lib/os-release')) ?? '',
  );
  return installFix(distro, osRelease.VERSION_ID, ctx.sudo);
}
