import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { DropClaimContext, type IsoDropClaim } from './claim';
import { readDrop } from './drop-data';
import { DropFlowDialogs } from './DropFlowDialogs';
import { useFileDrag } from './use-file-drag';
import { useIsoCheck } from './use-iso-check';
import './drop.css';

export interface DropZoneProps {
  /** The machine this window shows: a dropped ISO boots it. Without one, a dropped ISO makes a new machine. */
  machineId?: string | undefined;
  /** A remote engine's computer: a dropped file of this computer is copied there first (machines read their ISO there). */
  engineHost?: string | undefined;
  children: ReactNode;
}

/** The desktop shell's path of a dropped file (Electron no longer sets File.path); absent in the web host. */
function shellPathForFile(): ((file: File) => string) | undefined {
  const bridge = window.porthole;
  return bridge && typeof bridge.pathForFile === 'function' ? (file) => bridge.pathForFile(file) : undefined;
}

/** A message that shows for a while after a drop's work is done, then goes. */
function useDoneToast(): [string | null, (message: string | null) => void] {
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), 8000);
    return () => clearTimeout(timer);
  }, [done]);
  return [done, setDone];
}

/**
 * Drop an ISO anywhere inside: Porthole checks the file (inspectIso), says what will happen and does
 * it after one confirmation. Anything else (a folder, several files, a file that is not an ISO
 * whatever its name, one that cannot be read or is gone) gets a message, and nothing changes.
 */
export function DropZone({ machineId, engineHost, children }: DropZoneProps) {
  const [done, setDone] = useDoneToast();
  const [claims, setClaims] = useState<readonly IsoDropClaim[]>([]);
  const claim = claims[claims.length - 1];
  const { flow, check, checkThere, take, close } = useIsoCheck(claim, engineHost);
  const { dragging, handlers } = useFileDrag((data) => {
    if (flow.step === 'confirm' || flow.step === 'checking') return;
    take(readDrop(data, shellPathForFile()));
  });

  const register = useCallback((c: IsoDropClaim) => {
    setClaims((list) => [...list, c]);
    return () => setClaims((list) => list.filter((x) => x !== c));
  }, []);

  const finish = (message: string): void => {
    close();
    setDone(message);
  };
  const label =
    claim?.label ??
    (machineId ? 'Drop the ISO to boot this machine from it' : 'Drop the ISO to create a new machine from it');

  return (
    <DropClaimContext.Provider value={register}>
      <div className="drop-zone" data-testid="drop-zone" {...handlers}>
        {children}
        {dragging ? (
          <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
            <div className="drop-overlay-box">
              <strong>{label}</strong>
              <span>One .iso file, 10 MB or more.</span>
            </div>
          </div>
        ) : null}
        {done ? (
          <div className="drop-toast" role="status">
            {done}
          </div>
        ) : null}
        <DropFlowDialogs
          flow={flow}
          machineId={machineId}
          onCheck={check}
          onCheckThere={checkThere}
          onClose={close}
          onDone={finish}
        />
      </div>
    </DropClaimContext.Provider>
  );
}
