import { actionNames, isBridgeError, PortholeError, type PortholeApi, type PortholeBridge } from '@porthole/api';
import { connectWebApi } from './web-client';

declare global {
  interface Window {
    /** Present in the Electron app (the preload's bridge); absent in the web host. */
    porthole?: PortholeBridge;
  }
}

/** Electron's bridge drops an Error's own properties, so failures cross as plain objects: rebuild them. */
function fromBridge(bridge: PortholeBridge): PortholeApi {
  const api: Record<string, unknown> = {
    subscribe: bridge.subscribe,
    openStream: (stream: never, request: never, onItem: never, onEnd?: (error?: Error) => void) =>
      bridge.openStream(stream, request, onItem, (e?: unknown) =>
        onEnd?.(isBridgeError(e) ? new PortholeError(e.code, e.message, e.remedy) : undefined),
      ),
  };
  for (const name of actionNames) {
    const call = bridge[name] as (request: unknown) => Promise<unknown>;
    api[name] = async (request: unknown) => {
      try {
        return await call(request);
      } catch (e) {
        throw isBridgeError(e) ? new PortholeError(e.code, e.message, e.remedy) : e;
      }
    };
  }
  return api as PortholeApi;
}

const TOKEN_KEY = 'porthole.token';

let api: PortholeApi | undefined;
const connectionListeners = new Set<(connected: boolean) => void>();

/** The contract, from Electron's preload or over the web host's WebSocket. */
export function porthole(): PortholeApi {
  if (api) return api;
  if (window.porthole) {
    api = fromBridge(window.porthole);
    return api;
  }
  const params = new URLSearchParams(window.location.search);
  const token = params.get('token') ?? sessionStorage.getItem(TOKEN_KEY) ?? '';
  if (params.has('token')) {
    sessionStorage.setItem(TOKEN_KEY, token);
    // Keep the token out of the address bar (and out of history, screenshots, bug reports).
    window.history.replaceState(null, '', window.location.pathname + window.location.hash);
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const url = `${scheme}://${window.location.host}/api?token=${encodeURIComponent(token)}`;
  api = connectWebApi(url, (connected) => {
    for (const listener of connectionListeners) listener(connected);
  });
  return api;
}

/** Web host only: tells when the page's connection to Porthole drops or returns. */
export function onBackendConnection(listener: (connected: boolean) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}
