import { useState } from 'react';
import { porthole } from '../api/porthole';

/** What opening Remote Desktop did: opened (where), or the client to install. */
export type RemoteDesktopNoticeText = { text: string; commands: string[] };

/** Open the machine in a Remote Desktop client through the backend, and what to say about it. */
export function useRemoteDesktop(id: string | undefined): {
  notice: RemoteDesktopNoticeText | null;
  dismiss: () => void;
  open: () => void;
} {
  const [notice, setNotice] = useState<RemoteDesktopNoticeText | null>(null);
  const open = (): void => {
    if (!id) return;
    setNotice(null);
    porthole()
      .openRemoteDesktop({ id })
      .then(
        (r) =>
          setNotice(
            r.launched
              ? {
                  text: `Opened in ${r.client ?? 'Remote Desktop'}${r.note ? ` at ${r.address ?? ''}. ${r.note}` : '.'}`,
                  commands: [],
                }
              : // The fix's text already says that no client is installed: said once.
                { text: r.fix?.text ?? 'No Remote Desktop client is installed.', commands: r.fix?.commands ?? [] },
          ),
        (e: Error & { remedy?: string }) =>
          setNotice({ text: e.remedy ? `${e.message} ${e.remedy}` : e.message, commands: [] }),
      );
  };
  return { notice, dismiss: () => setNotice(null), open };
}
