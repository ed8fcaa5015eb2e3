import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { complaint, runTool, ToolFailure, type ToolResult } from './run';

/** How long one keyring call may take before Porthole gives up on it. */
export const KEYRING_TIMEOUT_MS = 5000;

export type SecretServiceState = { usable: true } | { usable: false; reason: string };

export interface SecretServiceOptions {
  env: NodeJS.ProcessEnv;
  /** The configuration this keyring entry belongs to: two configurations never share an entry. */
  configDir: string;
  timeoutMs?: number;
  /** The helper programs; tests point them at a missing file. Defaults `secret-tool`, `dbus-send`. */
  secretTool?: string;
  dbusSend?: string;
}

/**
 * The freedesktop Secret Service (GNOME Keyring, KeePassXC, KWallet...) through `secret-tool` from
 * libsecret: what every Porthole process (the app, the web host, the CLI) can reach, unlike Electron's
 * safeStorage. The password goes to secret-tool on stdin only, never in its arguments or environment.
 * Items are found by attributes: Porthole's application name, the configuration directory and the machine id.
 */
export class SecretService {
  private readonly timeoutMs: number;
  private readonly secretTool: string;
  private readonly dbusSend: string;
  private readonly config: string;

  constructor(private readonly options: SecretServiceOptions) {
    this.timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
    this.secretTool = options.secretTool ?? 'secret-tool';
    this.dbusSend = options.dbusSend ?? 'dbus-send';
    this.config = resolve(options.configDir);
  }

  private attributes(machineId: string): string[] {
    return ['application', 'porthole', 'porthole-config', this.config, 'porthole-machine', machineId];
  }

  private run(args: string[], stdin?: string): Promise<ToolResult> {
    return runTool(this.secretTool, args, {
      env: this.options.env,
      timeoutMs: this.timeoutMs,
      ...(stdin !== undefined ? { stdin } : {}),
    });
  }

  async store(machineId: string, password: string): Promise<void> {
    const label = `Porthole: Windows password of machine ${machineId}`;
    const result = await this.run(['store', `--label=${label}`, ...this.attributes(machineId)], password);
    if (result.code !== 0)
      throw new Error(complaint(result.stderr) || `secret-tool store exited with ${String(result.code)}`);
  }

  /** The password, or null when the keyring has none for this machine (or keeps it locked). */
  async lookup(machineId: string): Promise<string | null> {
    const result = await this.run(['lookup', ...this.attributes(machineId)]);
    if (result.code === 0) return result.stdout;
    // secret-tool says "not found" with exit 1 and nothing on stderr; anything else is an error.
    const said = complaint(result.stderr);
    if (said) throw new Error(said);
    return null;
  }

  async remove(machineId: string): Promise<void> {
    const result = await this.run(['clear', ...this.attributes(machineId)]);
    // Exit 1 with nothing said: there was nothing to clear.
    const said = complaint(result.stderr);
    if (result.code !== 0 && said) throw new Error(said);
  }

  /** See probeSecretService. */
  probe(): Promise<SecretServiceState> {
    return probeSecretService(this.options);
  }
}

export type ProbeOptions = Pick<SecretServiceOptions, 'env' | 'timeoutMs' | 'secretTool' | 'dbusSend'>;

/**
 * Can Porthole keep passwords in the Secret Service now? The session bus must answer, a Secret Service
 * must be on it (a lookup of an item that cannot exist comes back "not found"), and its default keyring
 * must exist and be unlocked (secret-tool cannot tell a locked item from a missing one, so the lock is
 * read from the collection's `Locked` property with dbus-send). Never throws; every step is time-bounded.
 */
export async function probeSecretService(options: ProbeOptions): Promise<SecretServiceState> {
  const timeoutMs = options.timeoutMs ?? KEYRING_TIMEOUT_MS;
  try {
    const result = await runTool(
      options.secretTool ?? 'secret-tool',
      ['lookup', 'application', 'porthole', 'porthole-probe', randomBytes(8).toString('hex')],
      {
        env: options.env,
        timeoutMs,
      },
    );
    const said = complaint(result.stderr);
    if (said) return { usable: false, reason: said };
  } catch (err) {
    if (err instanceof ToolFailure && err.reason === 'missing')
      return { usable: false, reason: 'secret-tool (libsecret-tools) is not installed' };
    return { usable: false, reason: err instanceof Error ? err.message : String(err) };
  }
  return defaultKeyringState(options.env, options.dbusSend ?? 'dbus-send', timeoutMs);
}

async function defaultKeyringState(
  env: NodeJS.ProcessEnv,
  dbusSend: string,
  timeoutMs: number,
): Promise<SecretServiceState> {
  let result: ToolResult;
  try {
    result = await runTool(
      dbusSend,
      [
        '--session',
        '--print-reply=literal',
        `--reply-timeout=${timeoutMs}`,
        '--dest=org.freedesktop.secrets',
        '/org/freedesktop/secrets/aliases/default',
        'org.freedesktop.DBus.Properties.Get',
        'string:org.freedesktop.Secret.Collection',
        'string:Locked',
      ],
      { env, timeoutMs: timeoutMs + 500 },
    );
  } catch (err) {
    // Without dbus-send the lock cannot be read: a locked keyring then shows as a clear error when used.
    if (err instanceof ToolFailure && err.reason === 'missing') return { usable: true };
    return { usable: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const locked = /boolean (true|false)/.exec(result.stdout)?.[1];
  if (result.code === 0 && locked === 'false') return { usable: true };
  if (locked === 'true') return { usable: false, reason: 'the default keyring is locked' };
  return { usable: false, reason: `there is no default keyring (${complaint(result.stderr) || 'no answer'})` };
}
