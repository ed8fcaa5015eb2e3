import type Docker from 'dockerode';
import { canonicalImageName, PortholeError } from '../../api';
import { describeEngineError } from './errors';

/** A tag that names nothing: an image known only by its id. */
const NO_TAG = '<none>:<none>';

export interface PresentImages {
  /** The wanted images the engine has, in the order wanted, each by the name the engine itself gives it. */
  wanted: string[];
  /** The engine's other tagged images, smallest first. */
  others: string[];
}

/**
 * Which images an engine has, from one listing. Names are compared after normalising (Podman says
 * `docker.io/dockurr/windows:6.05` for a pulled image and `localhost/x:1` for a loaded one, Docker
 * `dockurr/windows:6.05`), and each is returned as the engine names it, so a container made from it finds it.
 * A listing that fails is an error with its cause, never "no images".
 */
export async function presentImages(docker: Docker, wanted: readonly string[], engine: string): Promise<PresentImages> {
  let list: Docker.ImageInfo[];
  try {
    list = await docker.listImages();
  } catch (err) {
    const cause = describeEngineError(err, engine);
    throw new PortholeError(
      cause.code,
      `The container engine at ${engine} did not list its images: ${cause.message}`,
      cause.remedy,
    );
  }
  const tagged = list
    .map((image) => ({ size: image.Size, tags: (image.RepoTags ?? []).filter((t) => t !== NO_TAG) }))
    .filter((image) => image.tags.length > 0);
  const byName = new Map<string, string>();
  for (const image of tagged)
    for (const tag of image.tags) if (!byName.has(canonicalImageName(tag))) byName.set(canonicalImageName(tag), tag);
  const found = [...new Set(wanted)].flatMap((name) => {
    const tag = byName.get(canonicalImageName(name));
    return tag === undefined ? [] : [tag];
  });
  const others = tagged
    .sort((a, b) => a.size - b.size)
    .map((image) => image.tags[0]!)
    .filter((tag) => !found.includes(tag));
  return { wanted: [...new Set(found)], others };
}
