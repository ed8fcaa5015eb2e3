import type { ActionResponse } from '@porthole/api';
import { Dialog } from '../ui/Dialog';

type Result = ActionResponse<'importCompose'>;

/** Where an import is: nothing under way, importing a file, refused, or done with its result (and its request, to adopt). */
export type ImportFlow =
  | { step: 'idle' }
  | { step: 'importing'; file: string }
  | { step: 'refused'; file: string; message: string }
  | { step: 'done'; file: string; result: Result; request: { yaml: string; baseDir?: string } };

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

/** The import's dialog: under way, refused (why), or done (the summary, and Adopt when a container can be). */
export function ImportComposeDialogs({
  flow,
  close,
  onAdopt,
}: {
  flow: ImportFlow;
  close: () => void;
  onAdopt: (file: string, request: { yaml: string; baseDir?: string }) => void;
}) {
  return (
    <>
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
                <button className="primary" onClick={() => onAdopt(flow.file, flow.request)}>
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
