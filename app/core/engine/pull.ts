import { PortholeError } from '../../api';

export interface PullEvent {
  id: string | undefined;
  status: string;
  current: number | undefined;
  total: number | undefined;
  error: string | undefined;
}

export interface LayerProgress {
  id: string;
  status: string;
  current: number;
  total: number;
}

export interface PullProgress {
  bytesDone: number;
  bytesTotal: number;
  layers: LayerProgress[];
}

export function parsePullEvent(raw: unknown): PullEvent | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const detail = (typeof r.progressDetail === 'object' && r.progressDetail !== null ? r.progressDetail : {}) as Record<
    string,
    unknown
  >;
  const errorDetail = r.errorDetail as { message?: unknown } | undefined;
  const error =
    typeof r.error === 'string' ? r.error : typeof errorDetail?.message === 'string' ? errorDetail.message : undefined;
  return {
    id: typeof r.id === 'string' ? r.id : undefined,
    status: typeof r.status === 'string' ? r.status : '',
    current: typeof detail.current === 'number' ? detail.current : undefined,
    total: typeof detail.total === 'number' ? detail.total : undefined,
    error,
  };
}

/** Sums the download over layers: bytes done / total, with per-layer detail. */
export class PullTracker {
  private readonly layers = new Map<string, LayerProgress>();
  error: string | undefined;

  update(event: PullEvent): PullProgress {
    if (event.error) this.error = event.error;
    if (event.id && /^[0-9a-f]{12,}$/.test(event.id)) {
      const layer = this.layers.get(event.id) ?? { id: event.id, status: '', current: 0, total: 0 };
      layer.status = event.status;
      if (event.status === 'Downloading') {
        if (event.total !== undefined) layer.total = event.total;
        if (event.current !== undefined) layer.current = event.current;
      } else if (/^(Download complete|Verifying Checksum|Extracting|Pull complete|Already exists)/.test(event.status)) {
        if (layer.total > 0) layer.current = layer.total;
      }
      this.layers.set(event.id, layer);
    }
    return this.snapshot();
  }

  snapshot(): PullProgress {
    let done = 0;
    let total = 0;
    for (const layer of this.layers.values()) {
      done += layer.current;
      total += layer.total;
    }
    return { bytesDone: done, bytesTotal: total, layers: [...this.layers.values()].map((l) => ({ ...l })) };
  }
}

/** A failed download said as what to do: a full disk, an image that does not exist, no registry. */
export function pullError(ref: string, cause: string): PortholeError {
  const lower = cause.toLowerCase();
  if (lower.includes('no space left')) {
    return new PortholeError(
      'IMAGE_PULL_FAILED',
      `Downloading ${ref} failed: the disk is full.`,
      'Free some disk space and try again.',
    );
  }
  if (lower.includes('not found') || lower.includes('manifest unknown') || lower.includes('pull access denied')) {
    return new PortholeError(
      'IMAGE_PULL_FAILED',
      `The image ${ref} does not exist in its registry.`,
      'Check the image name and tag in the machine settings.',
    );
  }
  if (/(dial tcp|lookup |timeout|connection refused|network is unreachable|tls)/i.test(cause)) {
    return new PortholeError(
      'IMAGE_PULL_FAILED',
      `Downloading ${ref} failed: the registry could not be reached (${cause}).`,
      'Check the internet connection (and any proxy settings of the engine), then start again.',
    );
  }
  return new PortholeError(
    'IMAGE_PULL_FAILED',
    `Downloading ${ref} failed: ${cause}`,
    'Start the machine again to retry.',
  );
}
