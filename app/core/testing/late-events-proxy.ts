import { SlowEngineProxy } from './slow-engine-proxy';

/**
 * Failure injection: the engine's API on a unix socket of its own, passed through as it is except that
 * every event on `/events` arrives `lagMs` late (in order), as Podman's can: its file-backed event log is
 * read a second after the start call answered, or after a kill that followed it. Point a backend at it
 * with DOCKER_HOST=unix://<path>. The slow engine proxy, holding only the event stream.
 */
export type LateEventsProxy = SlowEngineProxy;

export const LateEventsProxy = {
  listen: (path: string, lagMs: number, engineSocket = '/var/run/docker.sock'): Promise<LateEventsProxy> =>
    SlowEngineProxy.listen(path, lagMs, engineSocket, (urlPath) => /\/events$/.test(urlPath)),
};
