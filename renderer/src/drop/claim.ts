import { createContext, useContext, useEffect, useRef } from 'react';
import type { IsoInfo } from '@porthole/api';

/** A part of the page that takes a dropped ISO itself (the wizard fills its ISO field) instead of the usual offer. */
export interface IsoDropClaim {
  /** What the drop overlay says while a file is dragged over. */
  label: string;
  onIso: (path: string, info: IsoInfo) => void;
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
