import { lstat, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import type { CheckResult, EngineFact } from '../../api';
import { errnoCode, hostContext, type HostCheckOptions, type HostContext } from './context';
import {
  installCommands,
  rootlessDockerCommands,
  upgradeDockerCommands,
  type Distro,
} from './distro';
import type { EngineAddress } from './engine-http';
import { displayAddress, parseDockerHost } from '../engine/docker-host';
import type { SshEndpoint } from '../engine/ssh';
import { sshEndpoint } from '../engine/target';
import { certDirFromEnv, contextTlsDir, tcpWantsTls } from '../engine/tls';

export type EngineKind = 'docker' | 'podman' | 'unknown';

/** Where Porthole looked, in order. */
export type EngineSource = 'DOCKER_HOST' | 'context' | 'system' | 'rootless' | 'podman-user' | 'podman-system';

/** A place an engine may listen, before asking it. */
export interface EngineCandidate {
  source: EngineSource;
  /** As the user writes it: unix:///var/run/docker.sock, tcp://host:2375. */
  label: string;
  /** The socket to connect to (resolved under root). */
  socketPath?: string;
  /** The socket as the user knows it (not under root). */
  realSocketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Client certificates for https (DOCKER_CERT_PATH), as a real path. */
  tlsCertDir?: string;
  /** An engine on another computer, through ssh. */
  ssh?: SshEndpoint;
  kindHint: EngineKind;
  rootless: boolean;
  desktop: boolean;
  /** The Docker context it comes from. */
  context?: string;
  /** Why Porthole cannot talk to it (ssh://, npipe://). */
  unsupported?: string;
}

/** The engine that answered: enough to build dockerode options. */
export interface EngineEndpoint {
  kind: EngineKind;
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Directory with ca.pem, cert.pem, key.pem when protocol is https. */
  tlsCertDir?: string;
  ssh?: SshEndpoint;
  /** e.g. unix:///var/run/docker.sock */
  label: string;
  apiVersion?: string;
  version?: string;
  rootless: boolean;
  desktop: boolean;
}

export type EngineProbeState = 'ok' | 'missing' | 'refused' | 'denied' | 'timeout' | 'not-socket' | 'unsupported' | 'error';

export interface EngineProbe {
  candidate: EngineCandidate;
  state: EngineProbeState;
  /** The system's word for it (ENOENT, ECONNREFUSED, HTTP 500, ...). */
  detail: string;
  endpoint?: EngineEndpoint;
  /** A Docker engine older than API 1.41. */
  apiTooOld?: boolean;
}

/** Docker 20.10. Older engines lack what Porthole's engine client uses. */
export const MIN_DOCKER_API = '1.41';

/** The least time one engine request over ssh is given. */
export const SSH_PROBE_TIMEOUT_MS = 10_000;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Every place an engine may listen, in the order Porthole tries them. Reads only env and files under root. */
export async function findEngineCandidates(options: HostCheckOptions = {}): Promise<EngineCandidate[]> {
  return candidatesFor(hostContext(options));
}

async function candidatesFor(ctx: HostContext): Promise<EngineCandidate[]> {
  const { env } = ctx;
  const dockerConfigDir = env.DOCKER_CONFIG ?? join(ctx.home, '.docker');
  const runtimeDir = env.XDG_RUNTIME_DIR ?? (ctx.uid !== 0 ? `/run/user/${ctx.uid}` : undefined);
  const out: EngineCandidate[] = [];
  const add = (candidate: EngineCandidate | null): void => {
    if (candidate && !out.some((c) => c.label === candidate.label)) out.push(candidate);
  };
  const fromUri = (uri: string, source: EngineSource, context?: string): EngineCandidate | null =>
    candidateFromUri(ctx, uri, source, { dockerConfigDir, runtimeDir, ...(context ? { context } : {}) });

  if (env.DOCKER_HOST) add(fromUri(env.DOCKER_HOST, 'DOCKER_HOST'));

  const contextName = env.DOCKER_CONTEXT || (await currentContext(ctx, dockerConfigDir));
  if (contextName && contextName !== 'default') {
    const host = await contextHost(ctx, dockerConfigDir, contextName);
    if (host) add(withContextTls(fromUri(host, 'context', contextName), await contextTls(ctx, dockerConfigDir, contextName)));
  }

  add(fromUri('unix:///var/run/docker.sock', 'system'));
  if (runtimeDir) add(fromUri(`unix://${posix.join(runtimeDir, 'docker.sock')}`, 'rootless'));
  if (runtimeDir) add(fromUri(`unix://${posix.join(runtimeDir, 'podman', 'podman.sock')}`, 'podman-user'));
  add(fromUri('unix:///run/podman/podman.sock', 'podman-system'));
  return out;
}

function candidateFromUri(
  ctx: HostContext,
  uri: string,
  source: EngineSource,
  where: { dockerConfigDir: string; runtimeDir: string | undefined; context?: string },
): EngineCandidate | null {
  const base = { source, label: displayAddress(uri), ...(where.context ? { context: where.context } : {}) };
  const parsed = parseDockerHost(uri);
  if (parsed.kind === 'unusable') {
    return { ...base, kindHint: 'unknown', rootless: false, desktop: false, unsupported: parsed.reason };
  }
  if (parsed.kind === 'unix') {
    const path = posix.resolve('/', parsed.socketPath);
    const desktop = isUnder(path, posix.join(ctx.home, '.docker', 'desktop'));
    const podman = /podman/.test(path);
    const underRuntime = (where.runtimeDir !== undefined && isUnder(path, where.runtimeDir)) || /^\/run\/user\/\d+\//.test(path);
    return {
      ...base,
      socketPath: ctx.at(path),
      realSocketPath: path,
      kindHint: podman ? 'podman' : desktop || /docker/.test(path) ? 'docker' : 'unknown',
      rootless: !desktop && underRuntime,
      desktop,
    };
  }
  if (parsed.kind === 'ssh') {
    return { ...base, ssh: sshEndpoint(parsed, ctx.env), kindHint: 'unknown', rootless: false, desktop: false };
  }
  const tls = tcpWantsTls(parsed.protocol, parsed.port, ctx.env);
  return {
    ...base,
    host: parsed.host,
    port: parsed.port ?? (tls ? 2376 : 2375),
    protocol: tls ? 'https' : 'http',
    ...(tls ? { tlsCertDir: certDirFromEnv(ctx.env, where.dockerConfigDir) } : {}),
    kindHint: 'unknown',
    rootless: false,
    desktop: false,
  };
}

/** A context's own TLS folder, when it has one (docker context create --docker "host=tcp://…,ca=…,cert=…,key=…"). */
async function contextTls(ctx: HostContext, dockerConfigDir: string, name: string): Promise<string | undefined> {
  const dir = contextTlsDir(dockerConfigDir, name);
  return (await ctx.exists(join(dir, 'ca.pem'))) || (await ctx.exists(join(dir, 'cert.pem'))) ? dir : undefined;
}

/** A tcp context with a TLS folder is spoken to over TLS with those certificates, not DOCKER_CERT_PATH's. */
function withContextTls(candidate: EngineCandidate | null, tlsDir: string | undefined): EngineCandidate | null {
  if (!candidate || !tlsDir || !candidate.host) return candidate;
  return { ...candidate, protocol: 'https', port: candidate.port === 2375 ? 2376 : candidate.port, tlsCertDir: tlsDir };
}

function isUnder(path: string, dir: string): boolean {
  const rel = posix.relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !posix.isAbsolute(rel);
}

const dockerConfigSchema = z.object({ currentContext: z.string().optional() });
const contextMetaSchema = z.object({
  Name: z.string(),
  Endpoints: z.object({ docker: z.object({ Host: z.string().optional() }).optional() }).optional(),
});

async function currentContext(ctx: HostContext, dockerConfigDir: string): Promise<string | undefined> {
  const text = await ctx.readText(join(dockerConfigDir, 'config.json'));
  if (!text) return undefined;
  const parsed = dockerConfigSchema.safeParse(safeJson(text));
  return parsed.success ? parsed.data.currentContext : undefined;
}

/** contexts/meta/<digest>/meta.json holds {Name, Endpoints.docker.Host}; match by Name rather than recompute the digest. */
async function contextHost(ctx: HostContext, dockerConfigDir: string, name: string): Promise<string | undefined> {
  const metaDir = join(dockerConfigDir, 'contexts', 'meta');
  let entries: string[];
  try {
    entries = await readdir(ctx.at(metaDir));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const text = await ctx.readText(join(metaDir, entry, 'meta.json'));
    const parsed = contextMetaSchema.safeParse(safeJson(text ?? ''));
    if (parsed.success && parsed.data.Name === name) return parsed.data.Endpoints?.docker?.Host;
  }
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const versionSchema = z.object({
  Version: z.string().optional(),
  ApiVersion: z.string().optional(),
  Platform: z.object({ Name: z.string().optional() }).optional(),
  Components: z.array(z.object({ Name: z.string().optional() })).optional(),
});
const infoSchema = z.object({
  OperatingSystem: z.string().optional(),
  SecurityOptions: z.array(z.string()).nullable().optional(),
});

/** "1.40" < "1.41" numerically. */
export function apiAtLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (Number.isNaN(x)) return false;
    if (x !== y) return x > y;
  }
  return true;
}

/** Asks one candidate: /_ping, then /version, /info and /libpod/_ping to tell Docker, Podman and Docker Desktop apart. */
export async function probeEngine(candidate: EngineCandidate, ctx: HostContext): Promise<EngineProbe> {
  if (candidate.unsupported) return { candidate, state: 'unsupported', detail: candidate.unsupported };
  if (candidate.socketPath) {
    try {
      const s = await lstat(candidate.socketPath);
      if (!s.isSocket()) return { candidate, state: 'not-socket', detail: `${candidate.realSocketPath} is not a socket` };
    } catch (err) {
      return failed(candidate, err);
    }
  }
  const address = await addressOf(candidate, ctx);
  // Each request over ssh is a new ssh connection (handshake, then dial-stdio): 2 s is too short for that,
  // even to this computer when it is busy.
  const timeoutMs = candidate.ssh ? Math.max(ctx.timeoutMs, SSH_PROBE_TIMEOUT_MS) : ctx.timeoutMs;
  const get = (path: string) => ctx.engineRequest(address, path, timeoutMs);
  let ping;
  try {
    ping = await get('/_ping');
  } catch (err) {
    return failed(candidate, err);
  }
  if (ping.status !== 200) return { candidate, state: 'error', detail: `it answered /_ping with HTTP ${ping.status}` };

  const [version, info, libpod] = await Promise.all([
    get('/version').catch(() => null),
    get('/info').catch(() => null),
    ping.headers['libpod-api-version'] ? Promise.resolve(null) : get('/libpod/_ping').catch(() => null),
  ]);
  const v = version?.status === 200 ? versionSchema.safeParse(safeJson(version.body)) : null;
  const i = info?.status === 200 ? infoSchema.safeParse(safeJson(info.body)) : null;
  const versionData = v?.success ? v.data : undefined;
  const infoData = i?.success ? i.data : undefined;
  const components = (versionData?.Components ?? []).map((c) => c.Name ?? '');

  const podman = Boolean(ping.headers['libpod-api-version']) || libpod?.status === 200 || components.some((n) => /podman/i.test(n));
  const kind: EngineKind = podman
    ? 'podman'
    : components.includes('Engine') || versionData?.ApiVersion || ping.headers['api-version']
      ? 'docker'
      : candidate.kindHint;
  const apiVersion = versionData?.ApiVersion ?? ping.headers['api-version'];
  const desktop =
    candidate.desktop ||
    /docker desktop/i.test(versionData?.Platform?.Name ?? '') ||
    /docker desktop/i.test(infoData?.OperatingSystem ?? '');
  const rootless =
    !desktop &&
    (candidate.rootless ||
      (infoData?.SecurityOptions ?? []).some((o) => o.includes('name=rootless')) ||
      (podman && (await podmanRootless((path) => ctx.engineRequest(address, path, Math.max(ctx.timeoutMs, LIBPOD_INFO_TIMEOUT_MS)), ping.headers['libpod-api-version']))));
  const endpoint: EngineEndpoint = {
    kind,
    label: candidate.label,
    ...(candidate.socketPath ? { socketPath: candidate.socketPath } : {}),
    ...(candidate.host ? { host: candidate.host, port: candidate.port, protocol: candidate.protocol } : {}),
    ...(candidate.tlsCertDir ? { tlsCertDir: candidate.tlsCertDir } : {}),
    ...(candidate.ssh ? { ssh: candidate.ssh } : {}),
    ...(apiVersion ? { apiVersion } : {}),
    ...(versionData?.Version ? { version: versionData.Version } : {}),
    rootless,
    desktop,
  };
  const apiTooOld = kind !== 'podman' && apiVersion !== undefined && !apiAtLeast(apiVersion, MIN_DOCKER_API);
  return { candidate, state: 'ok', detail: 'answers', endpoint, apiTooOld };
}

/** Podman's /libpod/info gathers its store's figures first: slower than a ping, seconds on a busy host. */
const LIBPOD_INFO_TIMEOUT_MS = 10_000;
const libpodInfoSchema = z.object({ host: z.object({ security: z.object({ rootless: z.boolean().optional() }).optional() }).optional() });

/**
 * Podman's compatible /info does not say it runs rootless (4.3 lists no name=rootless), and its
 * socket may be anywhere DOCKER_HOST points: its own /libpod/info does (host.security.rootless).
 */
async function podmanRootless(get: (path: string) => Promise<{ status: number; body: string }>, libpodVersion: string | string[] | undefined): Promise<boolean> {
  const version = typeof libpodVersion === 'string' && /^\d+(\.\d+)*$/.test(libpodVersion) ? libpodVersion : '4.0.0';
  const info = await get(`/v${version}/libpod/info`).catch(() => null);
  if (info?.status !== 200) return false;
  const parsed = libpodInfoSchema.safeParse(safeJson(info.body));
  return parsed.success && parsed.data.host?.security?.rootless === true;
}

async function addressOf(candidate: EngineCandidate, ctx: HostContext): Promise<EngineAddress> {
  if (candidate.socketPath) return { socketPath: candidate.socketPath };
  if (candidate.ssh) return { ssh: candidate.ssh };
  const address: EngineAddress = {
    ...(candidate.host ? { host: candidate.host } : {}),
    ...(candidate.port ? { port: candidate.port } : {}),
    ...(candidate.protocol ? { protocol: candidate.protocol } : {}),
  };
  if (candidate.tlsCertDir) {
    const [ca, cert, key] = await Promise.all(
      ['ca.pem', 'cert.pem', 'key.pem'].map((f) => ctx.readText(join(candidate.tlsCertDir!, f))),
    );
    address.tls = { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  return address;
}

function failed(candidate: EngineCandidate, err: unknown): EngineProbe {
  const code = errnoCode(err);
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { candidate, state: 'missing', detail };
    case 'ECONNREFUSED':
      return { candidate, state: 'refused', detail };
    case 'EACCES':
    case 'EPERM':
      return { candidate, state: 'denied', detail };
    case 'ETIMEDOUT':
      return { candidate, state: 'timeout', detail };
    default:
      return { candidate, state: 'error', detail };
  }
}

/** Asks every candidate at once; the answers keep the candidates' order. */
export async function probeEngines(ctx: HostContext): Promise<EngineProbe[]> {
  const candidates = await candidatesFor(ctx);
  return Promise.all(candidates.map((c) => probeEngine(c, ctx)));
}

/**
 * The engine Porthole uses: like the docker command, an explicit DOCKER_HOST is the engine whether it
 * answers or not; otherwise the first candidate that answers (a dead Docker context is skipped).
 */
export function selectEngine(probes: EngineProbe[]): EngineProbe | undefined {
  const explicit = probes.find((p) => p.candidate.source === 'DOCKER_HOST');
  if (explicit) return explicit.state === 'ok' ? explicit : undefined;
  return probes.find((p) => p.state === 'ok');
}

/** The first engine that answers (DOCKER_HOST, when set, is the only one considered), or null. */
export async function resolveEngineEndpoint(options: HostCheckOptions = {}): Promise<EngineEndpoint | null> {
  const probes = await probeEngines(hostContext(options));
  return selectEngine(probes)?.endpoint ?? null;
}

export function engineFact(probes: EngineProbe[]): EngineFact | null {
  const endpoint = selectEngine(probes)?.endpoint;
  if (!endpoint) return null;
  return {
    kind: endpoint.kind,
    endpoint: endpoint.label,
    ...(endpoint.version ? { version: endpoint.version } : {}),
    ...(endpoint.apiVersion ? { apiVersion: endpoint.apiVersion } : {}),
    rootless: endpoint.rootless,
    desktop: endpoint.desktop,
    flavor: engineFlavor(endpoint),
  };
}

/** docker, docker-rootless, podman, podman-rootless, or how a remote engine is reached. */
export function engineFlavor(endpoint: EngineEndpoint): NonNullable<EngineFact['flavor']> {
  if (endpoint.ssh) return 'remote-ssh';
  if (endpoint.host) return endpoint.protocol === 'https' ? 'remote-tls' : 'remote-tcp';
  if (endpoint.kind === 'unknown') return 'unknown';
  return endpoint.rootless ? `${endpoint.kind}-rootless` : endpoint.kind;
}

/** Which engine programs exist on PATH (and the sbin dirs, where dockerd lives). */
export async function installedEngines(ctx: HostContext): Promise<{ dockerd: boolean; podman: boolean }> {
  const dirs = [...new Set([...(ctx.env.PATH ?? DEFAULT_PATH).split(':').filter(Boolean), '/usr/sbin', '/usr/bin', '/usr/local/bin'])];
  const has = async (name: string): Promise<boolean> =>
    (await Promise.all(dirs.map((d) => ctx.exists(posix.join(d, name))))).some(Boolean);
  const [dockerd, podman] = await Promise.all([has('dockerd'), has('podman')]);
  return { dockerd, podman };
}

const TITLE = 'Container engine';
const WHY = 'Porthole runs each Windows machine as a container, through the engine\'s API (Docker or Podman).';

/** Severity order for explaining why no engine answers: the most actionable first. */
const STATE_RANK: EngineProbeState[] = ['denied', 'refused', 'timeout', 'error', 'not-socket', 'unsupported', 'missing'];

function describe(kind: EngineKind, version: string | undefined): string {
  const name = kind === 'podman' ? 'Podman' : kind === 'docker' ? 'Docker' : 'A container engine';
  return version ? `${name} ${version}` : name;
}

/** How to start the service behind a socket. */
function startCommands(candidate: EngineCandidate, ctx: HostContext): string[] {
  const path = candidate.realSocketPath;
  if (!path) return [];
  if (candidate.desktop) return ['systemctl --user start docker-desktop'];
  const user = candidate.rootless;
  if (/podman/.test(path)) return user ? ['systemctl --user enable --now podman.socket'] : [`${ctx.sudo}systemctl enable --now podman.socket`];
  return user ? ['systemctl --user enable --now docker'] : [`${ctx.sudo}systemctl enable --now docker`];
}

function installBlock(distro: Distro, ctx: HostContext): { text: string; commands: string[] } {
  const install = installCommands(distro, ctx.sudo);
  const commands = [
    ...(install.docker.length ? [`# Docker on ${distro.name}:`, ...install.docker] : []),
    ...(install.podman.length ? [`# or Podman on ${distro.name} (runs as your user, no root-equivalent group):`, ...install.podman] : []),
  ];
  return { text: install.note ?? 'Install Docker Engine or Podman, then run "porthole check" again.', commands };
}

export interface EngineCheckInput {
  probes: EngineProbe[];
  distro: Distro;
  installed: { dockerd: boolean; podman: boolean };
}

export function engineCheck({ probes, distro, installed }: EngineCheckInput, ctx: HostContext): CheckResult {
  const selected = selectEngine(probes);
  const explicit = probes.find((p) => p.candidate.source === 'DOCKER_HOST');
  if (selected?.endpoint) return answeringCheck(selected, probes, distro, ctx);

  // Nothing usable answers. With DOCKER_HOST set, that is the one to explain.
  const considered = explicit ? [explicit] : probes;
  const worst = [...considered].sort((a, b) => STATE_RANK.indexOf(a.state) - STATE_RANK.indexOf(b.state))[0];
  const other = explicit ? probes.find((p) => p !== explicit && p.state === 'ok') : undefined;
  const unsetHint = explicit
    ? {
        text: other
          ? ` Or unset DOCKER_HOST to use the engine that answers at ${other.candidate.label}.`
          : ' Or point DOCKER_HOST at an engine that runs.',
        commands: other ? ['# or use the engine that answers:', 'unset DOCKER_HOST'] : [],
      }
    : { text: '', commands: [] };
  const at = explicit ? `DOCKER_HOST is ${explicit.candidate.label}, but` : '';
  const why = explicit ? `${WHY} Like the docker command, Porthole uses the engine DOCKER_HOST names.` : WHY;

  if (!worst) {
    return { id: 'engine', title: TITLE, status: 'fail', found: 'No place to look for a container engine.', why };
  }
  const c = worst.candidate;
  switch (worst.state) {
    case 'denied': {
      const podman = /podman/.test(c.realSocketPath ?? '');
      const rootless = rootlessDockerCommands(distro, ctx.sudo);
      const commands = podman
        ? ['systemctl --user enable --now podman.socket']
        : [
            '# Option 1: join the docker group (this grants root-equivalent access), then log out and back in',
            `${ctx.sudo}usermod -aG docker ${ctx.user}`,
            '# Option 2: rootless Docker, running as you',
            ...rootless,
            '# Option 3: Podman, rootless by default',
            ...installCommands(distro, ctx.sudo).podman,
          ];
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}user ${ctx.user} may not use the engine at ${c.label} (permission denied, ${worst.detail}).`,
        why,
        fix: podman
          ? {
              text: `The system-wide Podman socket is for root. Use your own Podman socket instead; Porthole finds it by itself.${unsetHint.text}`,
              commands: [...commands, ...unsetHint.commands],
            }
          : {
              text:
                'Either join the docker group and then log out and back in. Be aware: any member of the docker group can take full root ' +
                'control of this computer (it can start a container that mounts /). Or run Docker rootless, as your own user, which needs ' +
                `no such group; Porthole finds its socket ($XDG_RUNTIME_DIR/docker.sock) by itself. Or use Podman, rootless by default.${unsetHint.text}`,
              commands: [...commands, ...unsetHint.commands],
            },
      };
    }
    case 'refused':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}nothing answers at ${c.label} (connection refused): the engine is not running; its socket file is left over.`,
        why,
        fix: { text: `Start the engine.${unsetHint.text}`, commands: [...startCommands(c, ctx), ...unsetHint.commands] },
      };
    case 'timeout':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}the engine at ${c.label} accepted the connection but did not answer within ${ctx.timeoutMs} ms: it is starting, or hung.`,
        why,
        fix: {
          text: `Wait a moment and check again; if it stays silent, restart the engine.${unsetHint.text}`,
          commands: [...startCommands(c, ctx).map((cmd) => cmd.replace('enable --now', 'restart')), ...unsetHint.commands],
        },
      };
    case 'unsupported':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : `${c.label}: `}${worst.detail}`,
        why,
        fix: {
          text: 'Point DOCKER_HOST at a unix:// or tcp:// address, or unset it to use the local engine.',
          commands: ['unset DOCKER_HOST'],
        },
      };
    case 'error':
    case 'not-socket':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}the engine at ${c.label} does not work: ${worst.detail}.`,
        why,
        fix: {
          text: `Restart the engine and look at its log.${unsetHint.text}`,
          commands: [...startCommands(c, ctx).map((cmd) => cmd.replace('enable --now', 'restart')), ...unsetHint.commands],
        },
      };
    case 'missing':
    case 'ok':
      return missingCheck(worst, explicit, distro, installed, unsetHint, why, ctx);
  }
}

function missingCheck(
  worst: EngineProbe,
  explicit: EngineProbe | undefined,
  distro: Distro,
  installed: { dockerd: boolean; podman: boolean },
  unsetHint: { text: string; commands: string[] },
  why: string,
  ctx: HostContext,
): CheckResult {
  const install = installBlock(distro, ctx);
  const start = [
    ...(installed.dockerd ? [`${ctx.sudo}systemctl enable --now docker`] : []),
    ...(installed.podman ? [ctx.uid === 0 ? 'systemctl enable --now podman.socket' : 'systemctl --user enable --now podman.socket'] : []),
  ];
  const anyInstalled = installed.dockerd || installed.podman;
  const found = explicit
    ? `DOCKER_HOST is ${explicit.candidate.label}, but no engine listens there (${worst.detail}): the engine is not running, or not installed.`
    : anyInstalled
      ? `${[installed.dockerd ? 'Docker' : '', installed.podman ? 'Podman' : ''].filter(Boolean).join(' and ')} ${installed.dockerd && installed.podman ? 'are' : 'is'} installed but not running: no engine socket exists (looked at ${worst.candidate.label} and the rootless and Podman sockets).`
      : 'No container engine is installed: neither Docker nor Podman was found, and no engine socket exists.';
  const fix = anyInstalled
    ? {
        text: `The engine is not running: start it.${unsetHint.text}`,
        commands: [...start, ...unsetHint.commands],
      }
    : {
        text: `${explicit ? 'The engine is not running or not installed. ' : ''}${install.text}${unsetHint.text}`,
        commands: [...install.commands, ...unsetHint.commands],
      };
  return { id: 'engine', title: TITLE, status: 'fail', found, why, fix };
}

function answeringCheck(selected: EngineProbe, probes: EngineProbe[], distro: Distro, ctx: HostContext): CheckResult {
  const e = selected.endpoint!;
  const api = e.apiVersion ? ` (API ${e.apiVersion})` : '';
  const name = e.desktop ? `Docker Desktop${e.version ? ` (engine ${e.version})` : ''}` : describe(e.kind, e.version);
  const mode = e.rootless ? ', rootless' : '';
  const base = `${name}${api} answers at ${e.label}${mode}.`;

  if (selected.apiTooOld) {
    const upgrade = upgradeDockerCommands(distro, ctx.sudo);
    return {
      id: 'engine',
      title: TITLE,
      status: 'fail',
      found: `${base} That API is too old: Porthole needs Docker API ${MIN_DOCKER_API} or newer (Docker 20.10 or newer).`,
      why: WHY,
      fix: {
        text: 'Upgrade Docker with your package manager (the package is docker.io, docker-ce or moby-engine), or use Podman.',
        commands: upgrade,
      },
    };
  }
  if (e.desktop) {
    const install = installCommands(distro, ctx.sudo);
    return {
      id: 'engine',
      title: TITLE,
      status: 'warn',
      found: `${base}`,
      why:
        'Docker Desktop runs containers inside its own virtual machine, which cannot pass /dev/kvm through: Windows would only run ' +
        'in software emulation (KVM=N), about 10x slower.',
      fix: {
        text: `For full speed use Docker Engine (or Podman) directly on this computer, and point the docker command back at it.${install.note ? ` ${install.note}` : ''}`,
        commands: [
          ...(install.docker.length ? [`# Docker Engine on ${distro.name}:`, ...install.docker] : []),
          'docker context use default',
        ],
      },
    };
  }
  const skipped = probes.find((p) => p.candidate.source === 'context' && p.state !== 'ok');
  if (skipped && skipped !== selected) {
    return {
      id: 'engine',
      title: TITLE,
      status: 'warn',
      found: `Your current Docker context "${skipped.candidate.context}" (${skipped.candidate.label}) does not answer (${skipped.detail}); Porthole uses the next engine instead: ${base}`,
      why: `${WHY} The docker command would use the context, Porthole the engine that answers: they may see different machines.`,
      fix: {
        text: 'Start the engine of that context, or switch the docker command to the engine Porthole uses.',
        commands: ['docker context use default'],
      },
    };
  }
  return { id: 'engine', title: TITLE, status: 'ok', found: base, why: WHY };
}
