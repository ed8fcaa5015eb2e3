import { useEffect, useRef, useState, type ChangeEvent, type RefObject } from 'react';
import type { ActionResponse } from '@porthole/api';
import { porthole } from '../api/porthole';
import { Dialog } from '../ui/Dialog';
import { errorText } from '../ui/error-text';

type Result = ActionResponse<'importCompose'>;

type Flow =
  | { step: 'idle' }
  | { step: 'importing'; file: string }
  | { step: 'refused'; file: string; message: string }
  | { step: 'done'; file: string; result: Result; request: { yaml: string; baseDir?: string } };

/**
 * The folder of a picked file: Electron's preload knows its full path; the web host's upload does
 * not, so there relative paths in the file are refused by the backend with what to do.
 */
function folderOf(file: File): string | undefined {
  const bridge = window.porthole;
  const path = bridge && typeof bridge.pathForFile === 'function' ? bridge.pathForFile(file) : '';
  if (!path || !path.startsWith('/')) return undefined;
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** The import's summary: what was made or found, what can be adopted, and what was not carried over. */
function Summary({ result }: { result: Result }) {
  return (
    <>
      {result.machines.map((m) => (
        <p key={m.id}>
          Imported <strong>{m.name}</strong>.
        </p>
      ))}
      {result.notes.map((n) => (
        <p key={n}>{n}</p>
      ))}
      {result.adoptable.map((a) => (
        <p key={a.containerId} data-testid="import-adoptable">
          The container “{a.name}”{a.running ? ' (running)' : ''} already uses {a.storageDir}. Nothing was imported:
          adopt it so that one container keeps using that Windows disk.
        </p>
      ))}
      {result.warnings.length > 0 && (
        <ul className="muted">
          {result.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** "Import a dockur compose file…": a compose.yml such as dockur's README gives becomes a machine on the Windows it installed. */
export function ImportCompose({
  className = 'ghost',
  pickRef,
}: {
  className?: string;
  /** Without its own button: the caller (the top bar's menu) opens the file chooser through this. */
  pickRef?: RefObject<(() => void) | null>;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [flow, setFlow] = useState<Flow>({ step: 'idle' });
  useEffect(() => {
    if (!pickRef) return;
    pickRef.current = () => input.current?.click();
    return () => {
      pickRef.current = null;
    };
  }, [pickRef]);

  const submit = async (file: string, request: { yaml: string; baseDir?: string }, adopt: boolean): Promise<void> => {
    setFlow({ step: 'importing', file });
    try {
      const result = await porthole().importCompose({ ...request, ...(adopt ? { adopt: true } : {}) });
      setFlow({ step: 'done', file, result, request });
    } catch (err) {
      setFlow({ step: 'refused', file, message: errorText(err) });
    }
  };

  const onPick = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    const baseDir = folderOf(file);
    const yaml = await file.text();
    await submit(file.name, { yaml, ...(baseDir ? { baseDir } : {}) }, false);
  };

  const close = (): void => setFlow({ step: 'idle' });
  return (
    <>
      {pickRef ? null : (
        <button className={className} onClick={() => input.current?.click()}>
          Import a dockur compose file…
        </button>
      )}
      <input
        ref={input}
        type="file"
        accept=".yml,.yaml"
        hidden
        data-testid="import-compose-file"
        onChange={(e) => void onPick(e)}
      />
      {flow.step === 'importing' && (
        <Dialog title={`Importing ${flow.file}`} actions={null}>
          <p>Reading the file and looking for a Windows already installed…</p>
        </Dialog>
      )}
      {flow.step === 'refused' && (
        <Dialog
          title={`${flow.file} was not imported`}
          tone="danger"
          onClose={close}
          actions={<button onClick={close}>Close</button>}
        >
          <p role="alert">{flow.message}</p>
        </Dialog>
      )}
      {flow.step === 'done' && (
        <Dialog
          title={
            flow.result.machines.length > 0 ? `Imported ${flow.file}` : `${flow.file} is already running in a container`
          }
          onClose={close}
          actions={
            <>
              <button onClick={close}>Close</button>
              {flow.result.adoptable.length > 0 && (
                <button className="primary" onClick={() => void submit(flow.file, flow.request, true)}>
                  Adopt {flow.result.adoptable.length > 1 ? 'the containers' : `“${flow.result.adoptable[0]!.name}”`}
                </button>
              )}
            </>
          }
        >
          <Summary result={flow.result} />
        </Dialog>
      )}
    </>
  );
}
