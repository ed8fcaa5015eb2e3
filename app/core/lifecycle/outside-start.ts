// Which engine events the machines need to see. A container without Porthole's label that starts is
// inspected once, in case it is a machine's exported compose file run by hand on the machine's disk
// (Machines.onOutsideStart). On a shared engine most such containers are something else entirely (a
// build step, another program's container): their event names the image, and a container whose image
// is not the Windows image cannot be a machine run by hand, so it costs no request at all
// (bench/engine-idle: an idle Porthole makes none).
import { imageRepository } from '../../api';
import type { EngineEvent } from '../engine/events';

/** A record as far as this rule needs it. */
export interface OutsideStartRecord {
  settings: { image: string };
  adoptedContainerId?: string | undefined;
}

/** The upstream image every dockur compose file names. */
const UPSTREAM_REPOSITORY = 'dockurr/windows';

/** An image id rather than a name: nothing to tell from it. */
const IMAGE_ID = /^(sha256:)?[0-9a-f]{12,64}$/;

/**
 * False only for the start of an unlabelled container that cannot be a machine run by hand: its image,
 * named in the event, is neither the upstream Windows image nor any machine's image (any tag), and no
 * machine adopted it. Everything else goes to the machines as before (an event without an image, or
 * with an image id, is inspected as before).
 */
export function machinesNeedEvent(event: EngineEvent, records: readonly OutsideStartRecord[]): boolean {
  if (event.action !== 'start' || event.machineId !== undefined) return true;
  if (records.some((r) => r.adoptedContainerId === event.containerId)) return true;
  const image = event.image;
  if (!image || IMAGE_ID.test(image)) return true;
  const repository = imageRepository(image);
  if (repository === UPSTREAM_REPOSITORY) return true;
  return records.some((r) => imageRepository(r.settings.image) === repository);
}
