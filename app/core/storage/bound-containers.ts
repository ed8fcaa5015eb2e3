import type Docker from 'dockerode';
import { imageRepository, isInsidePath } from '../../api';
import { isDockurImage } from '../machine/dockur-settings';
import { MACHINE_LABEL, STORAGE_TARGET } from '../machine/spec';
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

/** An image id rather than a name (the name was removed or retagged): nothing to tell from it. */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/**
 * Whether a container runs Windows on its /storage: Porthole's label, the upstream image, one of the
 * machines' images (any tag), or an image that cannot be told (kept on the safe side).
 */
function runsWindows(c: Docker.ContainerInfo, images: readonly string[]): boolean {
  if ((c.Labels ?? {})[MACHINE_LABEL] !== undefined) return true;
  const image = c.Image ?? '';
  if (!image || IMAGE_ID.test(image) || isDockurImage(image)) return true;
  const repository = imageRepository(image);
  return images.some((i) => imageRepository(i) === repository);
}

/**
 * The containers on a storage folder, from one list call: the Windows containers whose `/storage`
 * bind is `storageDir` (after symlinks) or in or around it, and any container bound to exactly that
 * folder. Two containers on one disk would both boot the same Windows and corrupt it, so every path
 * that gives a folder to a machine asks this first. A container of another image that binds some
 * other folder (a backup tool with / at /storage) runs no Windows there: it is not counted.
 * `except` is a container that may keep it (the one being adopted); `images` the machines' images.
 */
export async function containersOnStorage(
  containers: readonly Docker.ContainerInfo[],
  storageDir: string,
  except?: string,
  images: readonly string[] = [],
  /** The remote engine's computer, if any: its binds are paths there, compared as written, never resolved here. */
  engineHost?: string,
): Promise<BoundContainer[]> {
  const wanted = await resolveHostPath(storageDir, engineHost);
  const out: BoundContainer[] = [];
  for (const c of containers) {
    if (except && (c.Id === except || c.Id.startsWith(except))) continue;
    const mount = (c.Mounts ?? []).find(
      (m) => m.Type === 'bind' && m.Destination.replace(/\/+$/, '') === STORAGE_TARGET,
    );
    if (!mount?.Source) continue;
    const real = await resolveHostPath(mount.Source, engineHost).catch(() => mount.Source);
    if (real !== wanted && !(around(real, wanted) && runsWindows(c, images))) continue;
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
