import type { BackendEvent, BackendListener } from './backend-types';

/** The backend's events: every part emits into one set of listeners (the transports', the log's, the parts' own). */
export interface BackendEvents {
  emit(event: BackendEvent): void;
  /** Adds a listener (called in the order added); returns what removes it. */
  on(listener: BackendListener): () => boolean;
  clear(): void;
}

export function backendEvents(): BackendEvents {
  const listeners = new Set<BackendListener>();
  return {
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}
