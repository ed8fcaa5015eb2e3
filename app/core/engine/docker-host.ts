/**
 * What a DOCKER_HOST value (or a Docker context's host) means to Porthole: a unix socket, a TCP
 * address, or a value it cannot use, with the reason. One reading for the engine client and the
 * host check, so that they never disagree and nothing falls back to another engine silently.
 */
export type DockerHost =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number | undefined; protocol: 'http' | 'https' }
  | { kind: 'unusable'; reason: string };

export function parseDockerHost(uri: string): DockerHost {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  if (scheme === 'unix') {
    const socketPath = uri.slice('unix://'.length);
    if (!socketPath) return { kind: 'unusable', reason: `"${uri}" names no socket: write unix:///path/to/docker.sock.` };
    return { kind: 'unix', socketPath };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri.replace(/^tcp:/i, 'http:'));
    } catch {
      return { kind: 'unusable', reason: `"${uri}" is not a valid address: write tcp://host:port.` };
    }
    if (!url.hostname) return { kind: 'unusable', reason: `"${uri}" names no host: write tcp://host:port.` };
    return {
      kind: 'tcp',
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : undefined,
      protocol: scheme === 'https' ? 'https' : 'http',
    };
  }
  if (scheme === 'ssh') {
    return {
      kind: 'unusable',
      reason:
        `"${uri}" is an engine over SSH, which Porthole does not support yet. ` +
        'Forward its socket instead (ssh -nNT -L /tmp/remote-docker.sock:/var/run/docker.sock HOST) and set DOCKER_HOST=unix:///tmp/remote-docker.sock.',
    };
  }
  if (scheme === 'npipe') {
    return { kind: 'unusable', reason: `"${uri}" is a Windows named pipe, which does not exist on Linux.` };
  }
  return {
    kind: 'unusable',
    reason: `"${uri}" is not an engine address Porthole can use: it talks to an engine over a unix socket (unix://) or TCP (tcp://)${scheme ? `, not ${scheme}://` : ''}.`,
  };
}
