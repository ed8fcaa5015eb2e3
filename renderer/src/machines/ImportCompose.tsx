import { useEffect, useRef, useState, type ChangeEvent, type RefObject } from 'react';
import { porthole } from '../api/porthole';
import { ImportComposeDialogs, type ImportFlow } from './ImportComposeDialogs';
import { errorText } from '../ui/error-text';

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
  const [flow, setFlow] = useState<ImportFlow>({ step: 'idle' });
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
      <ImportComposeDialogs flow={flow} close={close} onAdopt={(file, request) => void submit(file, request, true)} />
    </>
  );
}
