import { spawn } from 'node:child_process';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MachineSettings } from '../../api';
import { PortholeError } from '../../api';
import type { RemoteClient } from './clients';

/** What to run: the password travels only in `stdin`, never in `args`. */
export interface LaunchPlan {
  args: string[];
  stdin: string | null;
  /** A Remmina profile to write before starting (mode 0600, removed after). */
  profile: string | null;
}

export interface LaunchOptions {
  env: NodeJS.ProcessEnv;
  /** Where the private working directory (client log, Remmina profile) is made. */
  tmpDir: string;
  /** How long to watch for a client that quits at once. */
  watchMs: number;
  /** The longest a Remmina profile is kept when Remmina keeps running. */
  profileLifetimeMs: number;
  /** host:port of the machine's RDP as reached from here (default 127.0.0.1:<its RDP port>). */
  address?: string;
}

const HIDDEN = '[password hidden]';

/** Replaces every occurrence of the secret; what leaves this module in an error goes through here. */
export function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join(HIDDEN);
}

/** Control characters would end a profile line or a window title early. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
}

/** A value in a GLib key file (Remmina's profile format): backslash is its escape character. */
function keyFileValue(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/^ /, '\\s');
}

/**
 * FreeRDP 2.0+ and 3.x take the same syntax: `/cert:ignore` (3.x dropped `/cert-ignore` unless
 * built with deprecated options) and `/from-stdin:force`, which reads the password from stdin
 * before connecting, so no prompt for a domain or user name ever consumes it.
 */
function freerdpArgs(machine: MachineSettings, address: string): string[] {
  return [
    `/v:${address}`,
    `/u:${machine.username}`,
    '/from-stdin:force',
    // The guest's certificate is self-signed and made anew with each Windows install; the port is on loopback only.
    '/cert:ignore',
    `/t:${oneLine(machine.name)}`,
    '/dynamic-resolution',
  ];
}

/**
 * Remmina keeps passwords in profiles only encrypted with its own secret, so the profile has none
 * and Remmina asks for it (with the user name filled in).
 */
function remminaProfile(machine: MachineSettings, address: string): string {
  return [
    '[remmina]',
    `name=${keyFileValue(machine.name)}`,
    'protocol=RDP',
    `server=${address}`,
    `username=${keyFileValue(machine.username)}`,
    'cert_ignore=1',
    'disablepasswordstoring=1',
    '',
  ].join('\n');
}

/** `address` (host:port): where the RDP port is reached from here; an ssh engine's is a forwarded local port. */
export function launchPlan(
  client: RemoteClient,
  machine: MachineSettings,
  profilePath: string,
  address = `127.0.0.1:${machine.ports.rdp}`,
): LaunchPlan {
  if (client.kind === 'remmina')
    return { args: ['-c', profilePath], stdin: null, profile: remminaProfile(machine, address) };
  return { args: freerdpArgs(machine, address), stdin: `${machine.password}\n`, profile: null };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The last few distinct things the client said, without FreeRDP's log prefixes
 * (`[06:36:33:377] [32308:32309] [ERROR][com.freerdp.core] - `) or its password prompt.
 */
export function clientSays(output: string, lines = 3): string {
  const said = output
    .split('\n')
    .map((line) =>
      line
        .replace(/^Password:\s*/, '')
        .replace(/^\[[^\]]*\] \[[^\]]*\] \[[A-Z]+\]\[[^\]]*\] - /, '')
        .trim(),
    )
    .filter((line) => line !== '');
  return [...new Set(said)].slice(-lines).join('; ');
}

/**
 * Starts the client detached from Porthole (it outlives it), writes the password to its stdin and
 * closes it. Resolves once the client has run for `watchMs` or quit cleanly within it; rejects
 * when it could not start or quit with an error at once. Its output goes to a private file that
 * is read only for that error and deleted afterwards.
 */
export async function launchClient(
  client: RemoteClient,
  machine: MachineSettings,
  options: LaunchOptions,
  given?: LaunchPlan,
): Promise<void> {
  const secret = machine.password;
  const work = await mkdtemp(join(options.tmpDir, 'porthole-rdp-'));
  const profilePath = join(work, `${machine.id}.remmina`);
  const logPath = join(work, 'client.log');
  // A caller with its own plan (RemoteApp: app/core/apps/remoteapp.ts) gets the same start, watch and redaction.
  const plan = given ?? launchPlan(client, machine, profilePath, options.address);
  let keepWork = false;
  try {
    if (plan.profile !== null) await writeFile(profilePath, plan.profile, { mode: 0o600 });
    const log = await open(logPath, 'w', 0o600);
    let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    try {
      const child = spawn(client.command, [...client.prefix, ...plan.args], {
        detached: true,
        env: options.env,
        stdio: ['pipe', log.fd, log.fd],
      });
      const exited = new Promise<void>((resolve) => {
        child.once('exit', (code, signal) => {
          exit = { code, signal };
          resolve();
        });
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      // A client that quits before reading would make this write fail (EPIPE): the exit check reports it.
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(plan.stdin ?? '');
      await Promise.race([exited, sleep(options.watchMs)]);
      child.unref();
      if (exit === null && plan.profile !== null) {
        // Remmina is still running (it was the first instance): it has read the profile by now or
        // will soon; remove it when Remmina ends, or after profileLifetimeMs at the latest.
        keepWork = true;
        const timer = setTimeout(() => void rm(work, { recursive: true, force: true }), options.profileLifetimeMs);
        timer.unref();
        void exited.then(() => {
          clearTimeout(timer);
          return rm(work, { recursive: true, force: true });
        });
      }
    } finally {
      await log.close();
    }
    const ended = exit as { code: number | null; signal: NodeJS.Signals | null } | null;
    if (ended && (ended.code !== 0 || ended.signal !== null)) {
      const output = clientSays(await readFile(logPath, 'utf8').catch(() => ''));
      const how = ended.signal ? `was stopped (${ended.signal})` : `quit with exit code ${ended.code}`;
      throw new PortholeError(
        'INTERNAL',
        `${client.name} ${how} right after starting.${output ? ` It said: ${output}` : ''}`,
        'Check that the machine is running and Windows has finished installing (Remote Desktop is enabled by its setup), then try again.',
      );
    }
  } catch (error) {
    if (error instanceof PortholeError) {
      throw new PortholeError(error.code, redact(error.message, secret), error.remedy && redact(error.remedy, secret));
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new PortholeError('INTERNAL', redact(`Could not start ${client.name}: ${why}`, secret));
  } finally {
    // The log may hold what the client printed; the child keeps writing into the unlinked file if it wants.
    if (!keepWork) await rm(work, { recursive: true, force: true });
    else await rm(logPath, { force: true });
  }
}
