/**
 * What a DOCKER_HOST value (or a Docker context's host) means to Porthole: a unix socket, a TCP
 * address, an SSH host, or a value it cannot use, with the reason. One reading for the engine client and the
 * host check, so that they never disagree and nothing falls back to another engine silently.
 */
export type DockerHost =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number | undefined; protocol: 'http' | 'https' }
  | { kind: 'ssh'; host: string; port: number | undefined; user: string | undefined }
  | { kind: 'unusable'; reason: string };

export function parseDockerHost(uri: string): DockerHost {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();
  // Reasons quote the address as it may be shown: never a password in it.
  const shown = displayAddress(uri);
  if (scheme === 'unix') {
    const socketPath = uri.slice('unix://'.length);
    if (!socketPath)
      return { kind: 'unusable', reason: `"${shown}" names no socket: write unix:///path/to/docker.sock.` };
    return { kind: 'unix', socketPath };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    let url: URL;
    try {
      url = new URL(uri.replace(/^tcp:/i, 'http:'));
    } catch {
      return { kind: 'unusable', reason: `"${shown}" is not a valid address: write tcp://host:port.` };
    }
    if (!url.hostname) return { kind: 'unusable', reason: `"${shown}" names no host: write tcp://host:port.` };
    return {
      kind: 'tcp',
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : undefined,
      protocol: scheme === 'https' ? 'https' : 'http',
    };
  }
  if (scheme === 'ssh') {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return {
        kind: 'unusable',
        reason: `"${shown}" is not a valid address: write ssh://user@host or ssh://user@host:port.`,
      };
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!host || host.startsWith('-'))
      return { kind: 'unusable', reason: `"${shown}" names no host: write ssh://user@host.` };
    if (url.password)
      return {
        kind: 'unusable',
        reason: `The ssh:// address holds a password (not repeated here): ssh engines are reached with keys or the ssh agent; remove it.`,
      };
    if ((url.pathname && url.pathname !== '/') || url.search) {
      return {
        kind: 'unusable',
        reason: `"${shown}" has a path: write ssh://user@host[:port], the far side's engine is the one its docker command uses.`,
      };
    }
    const user = url.username ? decodeURIComponent(url.username) : undefined;
    if (user?.startsWith('-')) return { kind: 'unusable', reason: `"${shown}" names no valid user.` };
    return { kind: 'ssh', host, port: url.port ? Number(url.port) : undefined, user };
  }
  if (scheme === 'npipe') {
    return { kind: 'unusable', reason: `"${shown}" is a Windows named pipe, which does not exist on Linux.` };
  }
  return {
    kind: 'unusable',
    reason: `"${shown}" is not an engine address Porthole can use: it talks to an engine over a unix socket (unix://), TCP (tcp://) or SSH (ssh://)${scheme ? `, not ${scheme}://` : ''}.`,
  };
}

/**
 * An engine address as it may be shown (status, checklist, errors, logs): a password in it
 * (`ssh://user:secret@host`, `tcp://user:secret@host`) becomes `***`. Porthole refuses such an
 * address, but still names it when it says why.
 */
export function displayAddress(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
