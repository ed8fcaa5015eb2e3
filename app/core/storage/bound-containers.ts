import type Docker from 'dockerode';
import { isInsidePath } from '../../api';
import { STORAGE_TARGET } from '../machine/spec';
import { engineHostInScope } from './engine-host-scope';
import { resolveHostPath } from './paths';

/** A container (any, Porthole's or not) whose `/storage` is a given folder, or lies in or around it. */
export interface BoundContainer {
  containerId: string;
  name: string;
  running: boolean;
  /** Its `/storage` folder on the host. */
  storageDir: string;
  /** Made by docker compose: its project and service (labels `com.docker.compose.*`). */
  compose?: { project: string; service: string; workingDir?: string };
}

const around = (a: string, b: string): boolean => isInsidePath(a, b) || isInsidePath(b, a);

/**
 * The containers whose `/storage` bind is `storageDir` (after symlinks) or is in or around it, from
 * one list call. Two containers on one disk would both boot the same Windows and corrupt it, so
 * every path that gives a folder to a machine asks this first. `except` is a container that may
 * keep it (the one being adopted).
 */
export async function containersOnStorage(
  containers: readonly Docker.ContainerInfo[],
  storageDir: string,
  except?: string,
): Promise<BoundContainer[]> {
  // A remote engine's binds are paths on its computer: compared as written, never resolved here.
  const engineHost = engineHostInScope()?.host;
  const wanted = await resolveHostPath(storageDir, engineHost);
  const out: BoundContainer[] = [];
  for (const c of containers) {
    if (except && (c.Id === except || c.Id.startsWith(except))) continue;
    const mount = (c.Mounts ?? []).find((m) => m.Type === 'bind' && m.Destination.replace(/\/+$/, '') === STORAGE_TARGET);
    if (!mount?.Source) continue;
    const real = await resolveHostPath(mount.Source, engineHost).catch(() => mount.Source);
    if (!around(real, wanted)) continue;
    const labels = c.Labels ?? {};
    const project = labels['com.docker.compose.project'];
    const service = labels['com.docker.compose.service'];
    const workingDir = labels['com.docker.compose.project.working_dir'];
    out.push({
      containerId: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      running: c.State === 'running',
      storageDir: mount.Source,
      ...(project && service ? { compose: { project, service, ...(workingDir ? { workingDir } : {}) } } : {}),
    });
  }
  return out;
}
