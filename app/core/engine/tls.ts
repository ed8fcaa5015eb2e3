import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * TLS to a remote engine, read the way the docker command reads it, in one place for the host probe
 * and the engine client: DOCKER_TLS_VERIFY / DOCKER_CERT_PATH for DOCKER_HOST, a context's own TLS
 * folder for a Docker context. Missing certificates are a reason, never a silent plain-http fallback.
 */
export interface TlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

/** Whether a tcp:// engine is spoken to over TLS: https://, DOCKER_TLS_VERIFY set, or Docker's TLS port. */
export function tcpWantsTls(protocol: 'http' | 'https', port: number | undefined, env: NodeJS.ProcessEnv): boolean {
  return protocol === 'https' || Boolean(env.DOCKER_TLS_VERIFY) || port === 2376;
}

/** DOCKER_CERT_PATH, or the Docker configuration folder (~/.docker), as the docker command does. */
export function certDirFromEnv(env: NodeJS.ProcessEnv, dockerConfigDir: string): string {
  return env.DOCKER_CERT_PATH || dockerConfigDir;
}

/** A context's TLS folder: contexts/tls/<sha256 of its name>/docker, which `docker context create --docker ca=…` fills. */
export function contextTlsDir(dockerConfigDir: string, contextName: string): string {
  return join(dockerConfigDir, 'contexts', 'tls', createHash('sha256').update(contextName).digest('hex'), 'docker');
}

export const TLS_FILES = ['ca.pem', 'cert.pem', 'key.pem'] as const;

/** Reads ca.pem, cert.pem and key.pem from `dir`; a missing or unreadable one is a reason naming the file. */
export function readTlsMaterial(
  dir: string,
  read: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): TlsMaterial | { reason: string } {
  const out: Partial<Record<(typeof TLS_FILES)[number], string>> = {};
  for (const file of TLS_FILES) {
    try {
      out[file] = read(join(dir, file));
    } catch (err) {
      const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : 'unreadable';
      return {
        reason:
          `the engine is reached over TLS, but ${join(dir, file)} cannot be read (${code}). ` +
          'Put the client certificates (ca.pem, cert.pem, key.pem) there, or set DOCKER_CERT_PATH to their folder.',
      };
    }
  }
  return { ca: out['ca.pem']!, cert: out['cert.pem']!, key: out['key.pem']! };
}

/**
 * The Host header for a request to an engine. Node derives the TLS server name from it, so it must
 * name the engine's real host (a certificate for 192.0.2.7 does not cover "localhost"); a unix
 * socket has no host, and engines accept "localhost" there.
 */
export function hostHeader(address: { socketPath?: string; host?: string; port?: number }): string {
  if (address.socketPath || !address.host) return 'localhost';
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return address.port ? `${host}:${address.port}` : host;
}
