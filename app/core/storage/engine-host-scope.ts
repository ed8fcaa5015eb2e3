import { AsyncLocalStorage } from 'node:async_hooks';
import { PortholeError } from '../../api';
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

/**
 * Work that reads or writes a machine's disk with this computer's file system (snapshots, the disk
 * delete) is refused while the engine is remote: the disk is on the engine's computer, and a folder of
 * the same name here may hold someone else's disk. Nothing is read or changed.
 */
export function refuseOnEngineHost(what: string, remedy: string): void {
  const remote = scope.getStore();
  if (!remote) return;
  throw new PortholeError(
    'INVALID_ARGUMENT',
    `The machine's disk is on ${remote.host}, the engine's computer: Porthole does not ${what} there yet. Nothing was changed.`,
    remedy,
  );
}
