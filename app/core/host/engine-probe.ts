// Asking each candidate engine whether it answers, which one Porthole uses, and what it is.
import { lstat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import type { EngineFact } from '../../api';
import { errnoCode, hostContext, type HostCheckOptions, type HostContext } from './context';
import type { EngineAddress } from './engine-http';
import {
  candidatesFor,
  DEFAULT_PATH,
  MIN_DOCKER_API,
  safeJson,
  SSH_PROBE_TIMEOUT_MS,
  type EngineCandidate,
  type EngineEndpoint,
  type EngineKind,
  type EngineProbe,
} from './engine-candidates';

const versionSchema = z.object({
  Version: z.string().optional(),
  ApiVersion: z.string().optional(),
  Platform: z.object({ Name: z.string().optional() }).optional(),
  Components: z.array(z.object({ Name: z.string().optional() })).optional(),
});
const infoSchema = z.object({
  OperatingSystem: z.string().optional(),
  SecurityOptions: z.array(z.string()).nullable().optional(),
  DefaultRuntime: z.string().max(64).optional(),
  Runtimes: z
    .record(z.string().max(64), z.object({ path: z.string().max(4096).optional() }).passthrough())
    .nullable()
    .optional(),
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
      if (!s.isSocket())
        return { candidate, state: 'not-socket', detail: `${candidate.realSocketPath} is not a socket` };
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

  const podman =
    Boolean(ping.headers['libpod-api-version']) || libpod?.status === 200 || components.some((n) => /podman/i.test(n));
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
      (podman &&
        (await podmanRootless(
          (path) => ctx.engineRequest(address, path, Math.max(ctx.timeoutMs, LIBPOD_INFO_TIMEOUT_MS)),
          ping.headers['libpod-api-version'],
        ))));
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
    ...(podman && infoData?.DefaultRuntime ? { ociRuntime: infoData.DefaultRuntime } : {}),
    ...(podman && infoData?.Runtimes?.crun?.path ? { crunPath: infoData.Runtimes.crun.path } : {}),
  };
  const apiTooOld = kind !== 'podman' && apiVersion !== undefined && !apiAtLeast(apiVersion, MIN_DOCKER_API);
  return { candidate, state: 'ok', detail: 'answers', endpoint, apiTooOld };
}

/** Podman's /libpod/info gathers its store's figures first: slower than a ping, seconds on a busy host. */
const LIBPOD_INFO_TIMEOUT_MS = 10_000;
const libpodInfoSchema = z.object({
  host: z.object({ security: z.object({ rootless: z.boolean().optional() }).optional() }).optional(),
});

/**
 * Podman's compatible /info does not say it runs rootless (4.3 lists no name=rootless), and its
 * socket may be anywhere DOCKER_HOST points: its own /libpod/info does (host.security.rootless).
 */
async function podmanRootless(
  get: (path: string) => Promise<{ status: number; body: string }>,
  libpodVersion: string | string[] | undefined,
): Promise<boolean> {
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
  const dirs = [
    ...new Set([
      ...(ctx.env.PATH ?? DEFAULT_PATH).split(':').filter(Boolean),
      '/usr/sbin',
      '/usr/bin',
      '/usr/local/bin',
    ]),
  ];
  const has = async (name: string): Promise<boolean> =>
    (await Promise.all(dirs.map((d) => ctx.exists(posix.join(d, name))))).some(Boolean);
  const [dockerd, podman] = await Promise.all([has('dockerd'), has('podman')]);
  return { dockerd, podman };
}
