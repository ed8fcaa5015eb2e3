import { useCallback, useEffect, useState } from 'react';
import type { AppList, WindowsApp } from '@porthole/api';
import { porthole } from '../api/porthole';

type SetError = (error: string | null) => void;

const messageOf = (e: Error & { remedy?: string }): string => (e.remedy ? `${e.message} ${e.remedy}` : e.message);

/** The machine's program list, read on mount and again on `load()`; a failed read goes to `setError`. */
export function useAppList(id: string | undefined, setError: SetError): { list: AppList | null; load: () => void } {
  const [list, setList] = useState<AppList | null>(null);
  const [reads, setReads] = useState(0);
  const load = useCallback(() => setReads((n) => n + 1), []);
  useEffect(() => {
    if (!id) return;
    let current = true;
    porthole()
      .listApps({ id })
      .then(
        (next) => current && setList(next),
        (e: Error & { remedy?: string }) => current && setError(messageOf(e)),
      );
    return () => {
      current = false;
    };
  }, [id, reads, setError]);
  return { list, load };
}

/** Open a program (RemoteApp, through the backend) or move it in or out of the app menu, saying how it went. */
export function useAppActions(
  id: string | undefined,
  load: () => void,
  setError: SetError,
): { busy: string | null; said: string | null; act: (app: WindowsApp, what: 'open' | 'menu') => void } {
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const act = (app: WindowsApp, what: 'open' | 'menu'): void => {
    if (!id) return;
    setBusy(app.id);
    setError(null);
    setSaid(what === 'open' ? `Opening ${app.name}…` : null);
    const op =
      what === 'open'
        ? porthole()
            .launchApp({ id, app: app.id })
            .then((r) =>
              setSaid(
                r.launched
                  ? `${app.name} opened in ${r.client} on this computer.`
                  : `${r.fix?.text ?? ''} ${(r.fix?.commands ?? []).join(' or ')}`,
              ),
            )
        : porthole().setAppInMenu({ id, app: app.id, inMenu: !app.inMenu }).then(load);
    op.catch((e: Error & { remedy?: string }) => {
      setSaid(null);
      setError(messageOf(e));
    }).finally(() => setBusy(null));
  };
  return { busy, said, act };
}
