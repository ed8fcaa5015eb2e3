// Where an engine may be: DOCKER_HOST, the current docker context, the system, rootless and Podman sockets.
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { z } from 'zod';
import { hostContext, type HostCheckOptions, type HostContext } from './context';
import { displayAddress } from '../engine/docker-host';
import type { SshEndpoint } from '../engine/ssh';
import { connectionFromUri, type EngineConnection } from '../engine/target';
import { contextTlsDir } from '../engine/tls';

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
export interface EngineEndpoint extends EngineConnection {
  kind: EngineKind;
  apiVersion?: string;
  version?: string;
  rootless: boolean;
  desktop: boolean;
  /** Podman: the OCI runtime its containers run with (crun, runc), from /info's DefaultRuntime. */
  ociRuntime?: string;
  /** Podman: where its configuration looks for crun first (/info's Runtimes, listed whether or not it is installed). */
  crunPath?: string;
}

export type EngineProbeState =
  'ok' | 'missing' | 'refused' | 'denied' | 'timeout' | 'not-socket' | 'unsupported' | 'error';

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

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Every place an engine may listen, in the order Porthole tries them. Reads only env and files under root. */
export async function findEngineCandidates(options: HostCheckOptions = {}): Promise<EngineCandidate[]> {
  return candidatesFor(hostContext(options));
}

export async function candidatesFor(ctx: HostContext): Promise<EngineCandidate[]> {
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
    if (host)
      add(withContextTls(fromUri(host, 'context', contextName), await contextTls(ctx, dockerConfigDir, contextName)));
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
  const c = connectionFromUri(uri, ctx.env, where.dockerConfigDir);
  switch (c.kind) {
    case 'unusable':
      return { ...base, kindHint: 'unknown', rootless: false, desktop: false, unsupported: c.reason };
    case 'ssh':
      return { ...base, ssh: c.ssh, kindHint: 'unknown', rootless: false, desktop: false };
    case 'tcp':
      return {
        ...base,
        host: c.host,
        port: c.port,
        protocol: c.protocol,
        ...(c.tlsCertDir ? { tlsCertDir: c.tlsCertDir } : {}),
        kindHint: 'unknown',
        rootless: false,
        desktop: false,
      };
    case 'unix': {
      const path = posix.resolve('/', c.socketPath);
      const desktop = isUnder(path, posix.join(ctx.home, '.docker', 'desktop'));
      const podman = /podman/.test(path);
      const underRuntime =
        (where.runtimeDir !== undefined && isUnder(path, where.runtimeDir)) || /^\/run\/user\/\d+\//.test(path);
      return {
        ...base,
        socketPath: ctx.at(path),
        realSocketPath: path,
        kindHint: podman ? 'podman' : desktop || /docker/.test(path) ? 'docker' : 'unknown',
        rootless: !desktop && underRuntime,
        desktop,
      };
    }
  }
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

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
