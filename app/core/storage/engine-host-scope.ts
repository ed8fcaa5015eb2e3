import { AsyncLocalStorage } from 'node:async_hooks';
import type { EngineHostFs } from './engine-host-fs';

/**
 * The remote engine's computer a backend call works for, when its engine is remote: the storage
 * steps the machine layer calls by name (makeStorageFolder, assertIsoUsable) do their work there
 * instead of on this computer. Set per call by the backend (backend.ts), so two backends in one
 * process (tests) never see each other's; until lifecycle/machines.ts (being split) takes it as a
 * dependency of its own, this is how it reaches them.
 */
const scope = new AsyncLocalStorage<EngineHostFs>();

/** Runs `body` with `fs` as the engine's computer (none: this computer, as before). */
export function onEngineHost<T>(fs: EngineHostFs | undefined, body: () => T): T {
  return fs ? scope.run(fs, body) : body();
}

/** The engine's computer of the call under way, if its engine is remote. */
export function engineHostInScope(): EngineHostFs | undefined {
  return scope.getStore();
}
