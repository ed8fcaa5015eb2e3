import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { relative, sep } from 'node:path';
import { PortholeError, isInsidePath, type MachineSettings } from '../../api';
import { detectClient, type RemoteClient } from '../remote/clients';
import { clientInstallFix, type RemoteDesktopOptions, type RemoteDesktopResult } from '../remote/index';
import { launchClient, type LaunchPlan } from '../remote/launch';

/** What RemoteApp starts: the program, its arguments and the window class its windows get. */
export interface RemoteAppTarget {
  /** The program list's id, part of the window class. */
  appId: string;
  name: string;
  /** An absolute Windows path. */
  target: string;
  args: string;
  /** A Windows path (`\\host.lan\Data\…`) to open with the program. */
  file?: string;
}

/** The share the image serves the first shared folder as (dockur contract: `\\host.lan\Data`). */
export const SHARE_UNC = '\\\\host.lan\\Data';

/**
 * One class per program (`porthole-<machine>-<app id>`): the taskbar groups a program's windows and
 * the .desktop file's StartupWMClass matches them to its menu entry.
 */
export function windowClass(machineId: string, appId: string): string {
  return `porthole-${machineId}-${appId}`;
}

/** The Windows path of a host file in the machine's first shared folder, or a clear refusal. */
export async function windowsPathOf(machine: MachineSettings, hostFile: string): Promise<string> {
  const shared = machine.sharedFolders[0];
  if (!shared) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `${machine.name} has no shared folder, so Windows cannot see ${hostFile}.`,
      'Add a shared folder in the machine settings and put the file there.',
    );
  }
  const [folder, file] = await Promise.all([realpath(shared.hostPath), realpath(hostFile)]).catch(() => {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `${hostFile} does not exist (or the shared folder ${shared.hostPath} does not).`,
    );
  });
  if (!isInsidePath(file, folder) || file === folder) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `${hostFile} is not in ${machine.name}'s shared folder ${shared.hostPath}, so Windows cannot open it.`,
      `Copy or move the file into ${shared.hostPath} and open it from there.`,
    );
  }
  const inside = relative(folder, file).split(sep);
  if (inside.some((part) => /["\\]/.test(part))) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `Windows cannot open ${hostFile}: its path holds a character Windows does not allow in names (" or \\).`,
    );
  }
  return [SHARE_UNC, ...inside].join('\\');
}

/** The major version of the FreeRDP a client runs: `xfreerdp3` and the Flatpak are 3; `xfreerdp` says. */
export async function freerdpMajor(client: RemoteClient, env: NodeJS.ProcessEnv): Promise<2 | 3> {
  if (client.kind !== 'xfreerdp') return 3;
  const said = await new Promise<string>((resolve) => {
    execFile(client.command, ['--version'], { env, timeout: 5000 }, (_error, stdout) => resolve(String(stdout)));
  });
  return /version 2\./i.test(said) ? 2 : 3;
}

/**
 * FreeRDP's RemoteApp arguments. 3.x takes one `/app:` with comma-separated keys, so a comma inside a
 * value cannot be passed; 2.x takes `/app:`, `/app-name:`, `/app-cmd:` as separate arguments.
 * The password is never here: `/from-stdin:force` reads it from stdin.
 */
export function remoteAppArgs(
  machine: MachineSettings,
  app: RemoteAppTarget,
  major: 2 | 3,
  address = `127.0.0.1:${machine.ports.rdp}`,
): string[] {
  const cmd = [app.args, app.file ? `"${app.file}"` : ''].filter(Boolean).join(' ');
  // eslint-disable-next-line no-control-regex -- control characters would break the argument
  const name = app.name.replace(/\s*[\u0000-\u001f,]+\s*/g, ' ').trim() || app.appId;
  const common = [
    `/v:${address}`,
    `/u:${machine.username}`,
    '/from-stdin:force',
    '/cert:ignore',
    `/wm-class:${windowClass(machine.id, app.appId)}`,
  ];
  if (major === 2) return [...common, `/app:${app.target}`, `/app-name:${name}`, ...(cmd ? [`/app-cmd:${cmd}`] : [])];
  if (app.target.includes(',') || cmd.includes(',')) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `FreeRDP 3 cannot start "${app.name}": its path or arguments hold a comma, which its /app: option cannot carry.`,
      'Rename the file (or the program folder) without a comma, or install FreeRDP 2.',
    );
  }
  return [...common, `/app:program:${app.target},name:${name}${cmd ? `,cmd:${cmd}` : ''}`];
}

/** `address` (host:port): where the RDP port is reached from here; an ssh engine's is a forwarded local port. */
export function remoteAppPlan(
  machine: MachineSettings,
  app: RemoteAppTarget,
  major: 2 | 3,
  address?: string,
): LaunchPlan {
  return { args: remoteAppArgs(machine, app, major, address), stdin: `${machine.password}\n`, profile: null };
}

/**
 * Opens one Windows program in its own Linux window. Remmina cannot start a RemoteApp with a stored
 * password, so only FreeRDP is used; without it, how to install it.
 */
export async function openRemoteApp(
  machine: MachineSettings,
  app: RemoteAppTarget,
  options: RemoteDesktopOptions,
): Promise<RemoteDesktopResult> {
  const { env } = options;
  const client = await detectClient(env);
  if (!client || client.kind === 'remmina') {
    const fix = await clientInstallFix(options);
    return {
      launched: false,
      client: null,
      fix: { ...fix, text: `Windows programs open through FreeRDP. ${fix.text}` },
    };
  }
  // Through the same address as Remote Desktop (engine/machine-address.ts): an ssh engine's RDP port is forwarded here.
  const address = options.address ? `${options.address.host}:${options.address.port}` : undefined;
  const plan = remoteAppPlan(machine, app, await freerdpMajor(client, env), address);
  await launchClient(
    client,
    machine,
    {
      env,
      tmpDir: options.tmpDir ?? env.TMPDIR ?? tmpdir(),
      watchMs: options.watchMs ?? 2000,
      profileLifetimeMs: options.profileLifetimeMs ?? 30_000,
    },
    plan,
  );
  return { launched: true, client: client.name };
}
