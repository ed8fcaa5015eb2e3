import type { ViewOptions } from './screen-connection';

/** `fit`: scaled to the window, aspect ratio kept. `actual`: one guest pixel per screen pixel, with scrollbars. */
export type ViewMode = 'fit' | 'actual';

export function viewOptionsFor(mode: ViewMode): ViewOptions {
  return mode === 'fit' ? { scaleViewport: true, clipViewport: false } : { scaleViewport: false, clipViewport: false };
}
