import { useCallback, useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { validateIsoPath, type IsoInfo } from '@porthole/api';
import { porthole } from '../api/porthole';
import { Dialog } from '../ui/Dialog';
import { errorText } from '../ui/errors';
import { DropClaimContext, type IsoDropClaim } from './claim';
import { carriesFiles, readDrop, type DropOffer } from './drop-data';
import { BootFromIsoDialog, NewMachineFromIsoDialog } from './IsoDialogs';
import './drop.css';

type Flow =
  | { step: 'idle' }
  | { step: 'ask-path'; name: string }
  | { step: 'checking'; path: string }
  | { step: 'refused'; message: string }
  | { step: 'confirm'; path: string; info: IsoInfo };

export interface DropZoneProps {
  /** The machine this window shows: a dropped ISO boots it. Without one, a dropped ISO makes a new machine. */
  machineId?: string | undefined;
  children: ReactNode;
}

/** The desktop shell's path of a dropped file (Electron no longer sets File.path); absent in the web host. */
function shellPathForFile(): ((file: File) => string) | undefined {
  const bridge = window.porthole;
  return bridge && typeof bridge.pathForFile === 'function' ? (file) => bridge.pathForFile(file) : undefined;
}

/**
 * Drop an ISO anywhere inside: Porthole checks the file (inspectIso), says what will happen and does
 * it after one confirmation. Anything else (a folder, several files, a file that is not an ISO
 * whatever its name, one that cannot be read or is gone) gets a message, and nothing changes.
 */
export function DropZone({ machineId, children }: DropZoneProps) {
  const [flow, setFlow] = useState<Flow>({ step: 'idle' });
  const [dragging, setDragging] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [claims, setClaims] = useState<readonly IsoDropClaim[]>([]);
  const depth = useRef(0);
  const checkRun = useRef(0);
  const claim = claims[claims.length - 1];

  const register = useCallback((c: IsoDropClaim) => {
    setClaims((list) => [...list, c]);
    return () => setClaims((list) => list.filter((x) => x !== c));
  }, []);

  useEffect(() => {
    if (!done) return;
    const timer = setTimeout(() => setDone(null), 8000);
    return () => clearTimeout(timer);
  }, [done]);

  const check = useCallback(
    (path: string) => {
      const bad = validateIsoPath(path);
      if (bad) {
        setFlow({ step: 'refused', message: bad });
        return;
      }
      const run = ++checkRun.current;
      setFlow({ step: 'checking', path });
      porthole()
        .inspectIso({ path })
        .then(
          (info) => {
            if (run !== checkRun.current) return;
            if (claim) {
              setFlow({ step: 'idle' });
              claim.onIso(path, info);
            } else setFlow({ step: 'confirm', path, info });
          },
          (e: unknown) => run === checkRun.current && setFlow({ step: 'refused', message: errorText(e) }),
        );
    },
    [claim],
  );

  const take = (offer: DropOffer | null): void => {
    if (!offer) return;
    if (offer.kind === 'refused') setFlow({ step: 'refused', message: offer.message });
    else if (offer.kind === 'name-only') setFlow({ step: 'ask-path', name: offer.name });
    else check(offer.path);
  };

  const fileDrag = (e: DragEvent): boolean => carriesFiles(Array.from(e.dataTransfer?.types ?? []));

  const onDragEnter = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    e.preventDefault();
    depth.current += 1;
    setDragging(true);
  };
  const onDragOver = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    if (!dragging) setDragging(true);
  };
  const onDragLeave = (e: DragEvent): void => {
    if (!fileDrag(e)) return;
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) setDragging(false);
  };
  const onDrop = (e: DragEvent): void => {
    depth.current = 0;
    setDragging(false);
    if (!fileDrag(e)) return;
    // Never let the browser open the file in place of the page.
    e.preventDefault();
    e.stopPropagation();
    if (flow.step === 'confirm' || flow.step === 'checking') return;
    take(readDrop(e.dataTransfer, shellPathForFile()));
  };

  const close = (): void => {
    checkRun.current += 1;
    setFlow({ step: 'idle' });
  };
  const finish = (message: string): void => {
    close();
    setDone(message);
  };
  const label =
    claim?.label ??
    (machineId ? 'Drop the ISO to boot this machine from it' : 'Drop the ISO to create a new machine from it');

  return (
    <DropClaimContext.Provider value={register}>
      <div
        className="drop-zone"
        data-testid="drop-zone"
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
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
        {flow.step === 'checking' ? (
          <Dialog
            title="Checking the ISO…"
            onClose={close}
            testId="drop-dialog"
            actions={<button onClick={close}>Cancel</button>}
          >
            <p>
              Porthole is reading <code>{flow.path}</code>.
            </p>
          </Dialog>
        ) : null}
        {flow.step === 'refused' ? (
          <Dialog
            title="Porthole cannot use this as an ISO"
            onClose={close}
            testId="drop-dialog"
            actions={
              <button className="primary" onClick={close}>
                OK
              </button>
            }
          >
            <p data-testid="drop-error">{flow.message}</p>
            <p className="muted">Nothing was changed.</p>
          </Dialog>
        ) : null}
        {flow.step === 'ask-path' ? <AskPathDialog name={flow.name} onCheck={check} onClose={close} /> : null}
        {flow.step === 'confirm' ? (
          machineId ? (
            <BootFromIsoDialog
              machineId={machineId}
              path={flow.path}
              info={flow.info}
              onClose={close}
              onDone={finish}
            />
          ) : (
            <NewMachineFromIsoDialog path={flow.path} info={flow.info} onClose={close} onDone={finish} />
          )
        ) : null}
      </div>
    </DropClaimContext.Provider>
  );
}

/** The web host: browsers do not tell where a dropped file is, so the person types its path. */
function AskPathDialog({
  name,
  onCheck,
  onClose,
}: {
  name: string;
  onCheck: (path: string) => void;
  onClose: () => void;
}) {
  const [path, setPath] = useState('');
  const problem = path.trim() ? validateIsoPath(path.trim()) : null;
  return (
    <Dialog
      title={`Where is “${name}”?`}
      onClose={onClose}
      testId="drop-dialog"
      actions={
        <>
          <button className="ghost" onClick={onClose}>
            Cancel
          </button>
          <button className="primary" disabled={!path.trim() || problem !== null} onClick={() => onCheck(path.trim())}>
            Check the file
          </button>
        </>
      }
    >
      <p>
        The browser does not tell Porthole where a dropped file is stored. Type the file’s full path on this computer:
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim() && !problem) onCheck(path.trim());
        }}
      >
        <input
          aria-label="Full path of the ISO file"
          value={path}
          data-autofocus
          spellCheck={false}
          autoComplete="off"
          placeholder={`/home/you/Downloads/${name}`}
          onChange={(e) => setPath(e.target.value)}
        />
      </form>
      {problem ? <p className="field-error">{problem}</p> : null}
    </Dialog>
  );
}
