import { createContext, useContext, useEffect, useRef } from 'react';
import type { IsoInfo } from '@porthole/api';

/** A part of the page that takes a dropped ISO itself (the wizard fills its ISO field) instead of the usual offer. */
export interface IsoDropClaim {
  /** What the drop overlay says while a file is dragged over. */
  label: string;
  onIso: (path: string, info: IsoInfo) => void;
  /**
   * Takes a dropped file of this computer as it is, not checked here first: a remote engine's ISO field copies it
   * to the engine's computer (the copy checks it), since a check there would look for it on that computer.
   */
  onLocalFile?: ((path: string) => void) | undefined;
}

export type ClaimRegistry = (claim: IsoDropClaim) => () => void;

export const DropClaimContext = createContext<ClaimRegistry | null>(null);

/** While mounted, ISOs dropped on the surrounding DropZone go to `onIso` (checked, without the confirmation). */
export function useIsoDropClaim(label: string, onIso: (path: string, info: IsoInfo) => void): void {
  const register = useContext(DropClaimContext);
  const handler = useRef(onIso);
  useEffect(() => {
    handler.current = onIso;
  });
  useEffect(() => register?.({ label, onIso: (path, info) => handler.current(path, info) }), [register, label]);
}

/** While mounted, files dropped on the surrounding DropZone (or whose path is typed after a drop) go to `onLocalFile`, unchecked. */
export function useLocalFileDropClaim(label: string, onLocalFile: (path: string) => void): void {
  const register = useContext(DropClaimContext);
  const handler = useRef(onLocalFile);
  useEffect(() => {
    handler.current = onLocalFile;
  });
  useEffect(
    () => register?.({ label, onIso: () => undefined, onLocalFile: (path) => handler.current(path) }),
    [register, label],
  );
}
