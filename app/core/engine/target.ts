import type Docker from 'dockerode';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { displayAddress, parseDockerHost } from './docker-host';
import { sshAgent, type SshEndpoint } from './ssh';
import { certDirFromEnv, readTlsMaterial, tcpWantsTls, type TlsMaterial } from './tls';

/** The engine the client talks to: built from DOCKER_HOST here, or from what the host probe found. */
export interface EngineTarget {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** An engine on another computer, reached through `ssh HOST docker system dial-stdio`. */
  ssh?: SshEndpoint;
  /** Client certificates and the CA the engine's certificate must chain to, when protocol is https. */
  tls?: TlsMaterial;
  /** e.g. unix:///var/run/docker.sock */
  label: string;
  kind: 'docker' | 'podman' | 'unknown';
  /** Why this target cannot be used (e.g. DOCKER_HOST=npipe://…): the connection says so and never falls back. */
  unusable?: string;
}

function dockerConfigDir(env: NodeJS.ProcessEnv): string {
  return env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker');
}

/**
 * Targets from DOCKER_HOST or the default socket; the host probe refines this with contexts and Podman.
 * A DOCKER_HOST Porthole cannot use is a target that says why, never the default socket instead.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv): EngineTarget {
  const value = env.DOCKER_HOST;
  if (!value) return { socketPath: '/var/run/docker.sock', label: 'unix:///var/run/docker.sock', kind: 'unknown' };
  const label = displayAddress(value);
  const c = connectionFromUri(value, env);
  switch (c.kind) {
    case 'unix':
      return { socketPath: c.socketPath, label, kind: 'unknown' };
    case 'tcp':
      return tcpTarget(
        { host: c.host, port: c.port, protocol: c.protocol, label, kind: 'unknown' },
        c.tlsCertDir,
        'DOCKER_HOST',
      );
    case 'ssh':
      return { ssh: c.ssh, label, kind: 'unknown' };
    case 'unusable':
      return { label, kind: 'unknown', unusable: `DOCKER_HOST is not usable: ${c.reason}` };
  }
}

/** What a DOCKER_HOST-style address names, ready to connect to: one reading for the host probe and the client. */
export type UriConnection =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; protocol: 'http' | 'https'; tlsCertDir: string | undefined }
  | { kind: 'ssh'; ssh: SshEndpoint }
  | { kind: 'unusable'; reason: string };

/**
 * Reads an engine address (DOCKER_HOST, a context's host): tcp gets Docker's default port and TLS as the
 * docker CLI decides it (DOCKER_TLS_VERIFY, port 2376), with the certificate folder from the environment or
 * `configDir`; ssh gets this user's ssh settings.
 */
export function connectionFromUri(
  uri: string,
  env: NodeJS.ProcessEnv,
  configDir: string = dockerConfigDir(env),
): UriConnection {
  const parsed = parseDockerHost(uri);
  switch (parsed.kind) {
    case 'unix':
      return { kind: 'unix', socketPath: parsed.socketPath };
    case 'ssh':
      return { kind: 'ssh', ssh: sshEndpoint(parsed, env) };
    case 'unusable':
      return { kind: 'unusable', reason: parsed.reason };
    case 'tcp': {
      const tls = tcpWantsTls(parsed.protocol, parsed.port, env);
      return {
        kind: 'tcp',
        host: parsed.host,
        port: parsed.port ?? (tls ? 2376 : 2375),
        protocol: tls ? 'https' : 'http',
        tlsCertDir: tls ? certDirFromEnv(env, configDir) : undefined,
      };
    }
  }
}

/** PORTHOLE_SSH_CONFIG: an ssh configuration file used instead of ~/.ssh/config (keys, known hosts, jump hosts). */
export function sshEndpoint(
  parsed: { host: string; port: number | undefined; user: string | undefined },
  env: NodeJS.ProcessEnv,
): SshEndpoint {
  return {
    host: parsed.host,
    ...(parsed.port ? { port: parsed.port } : {}),
    ...(parsed.user ? { user: parsed.user } : {}),
    ...(env.PORTHOLE_SSH_CONFIG ? { configFile: env.PORTHOLE_SSH_CONFIG } : {}),
  };
}

/** What the host probe found (DOCKER_HOST, a context, a system or Podman socket), as a target. */
/** Where an engine answers: what the host probe found (host/engine-candidates.ts EngineEndpoint extends it). */
export interface EngineConnection {
  /** e.g. unix:///var/run/docker.sock */
  label: string;
  kind: EngineTarget['kind'];
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  /** Directory with ca.pem, cert.pem, key.pem when protocol is https. */
  tlsCertDir?: string;
  ssh?: SshEndpoint;
}

export function targetFromEndpoint(found: EngineConnection): EngineTarget {
  if (found.ssh) return { ssh: found.ssh, label: found.label, kind: found.kind };
  if (found.socketPath) return { socketPath: found.socketPath, label: found.label, kind: found.kind };
  return tcpTarget(
    { host: found.host, port: found.port, protocol: found.protocol ?? 'http', label: found.label, kind: found.kind },
    found.protocol === 'https' ? found.tlsCertDir : undefined,
    'The engine',
  );
}

function tcpTarget(
  base: Omit<EngineTarget, 'tls' | 'unusable'>,
  certDir: string | undefined,
  who: string,
): EngineTarget {
  const target: EngineTarget = { ...base, port: base.port ?? (base.protocol === 'https' ? 2376 : 2375) };
  if (base.protocol !== 'https') return target;
  if (!certDir)
    return { ...target, unusable: `${who} (${base.label}) is reached over TLS, but no certificate folder is known.` };
  const material = readTlsMaterial(certDir);
  if ('reason' in material) return { ...target, unusable: `${who} (${base.label}) is not usable: ${material.reason}` };
  return { ...target, tls: material };
}

/**
 * dockerode's options for a target. Every connection key is given, even when empty: docker-modem
 * fills missing ones from this process's DOCKER_HOST / DOCKER_CERT_PATH, which would silently point
 * a client at another engine than the one Porthole chose.
 */
export function dockerodeOptions(target: EngineTarget): Docker.DockerOptions {
  // An unusable target gets a client that reaches nothing (/dev/null is no socket); ping says why.
  const socketPath = target.unusable ? '/dev/null' : target.socketPath;
  if (target.ssh && !target.unusable) {
    // Our own agent: docker-modem's ssh mode speaks ssh2 with none of the user's ssh configuration.
    return {
      socketPath: undefined,
      host: target.ssh.host,
      port: undefined,
      protocol: 'http',
      ca: undefined,
      cert: undefined,
      key: undefined,
      agent: sshAgent(target.ssh),
    } as Docker.DockerOptions;
  }
  const tcp = !socketPath;
  return {
    socketPath,
    host: tcp ? target.host : undefined,
    port: tcp ? target.port : undefined,
    protocol: tcp ? (target.protocol ?? 'http') : 'http',
    ca: target.tls?.ca,
    cert: target.tls?.cert,
    key: target.tls?.key,
  } as Docker.DockerOptions;
}
