import { useCallback, useEffect, useRef, useState } from 'react';
import type { IsoCopyResult } from '@porthole/api';
import { porthole } from '../../api/porthole';
import { errorText } from '../../ui/error-text';

/** Where a copy of an ISO to the engine's computer is. */
export type IsoCopyState =
  | { step: 'idle' }
  | { step: 'copying'; name: string; phase: 'checking' | 'copying' | 'verifying'; done: number; total: number }
  | { step: 'done'; result: IsoCopyResult }
  | { step: 'failed'; message: string }
  | { step: 'cancelled' };

/** A copy's id: the backend names its progress events with it, and cancels by it. */
function newCopyId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `copy-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Copies a file of this computer to the engine's computer (copyIsoToEngine), following its progress;
 * `cancel` stops it (the backend removes the partial file there). `onCopied` gets the path there.
 */
export function useIsoCopy(onCopied: (path: string) => void): {
  state: IsoCopyState;
  start: (path: string) => void;
  cancel: () => void;
} {
  const [state, setState] = useState<IsoCopyState>({ step: 'idle' });
  const current = useRef<string | null>(null);
  /** The copy a cancel was asked for already (once is enough). */
  const cancelAsked = useRef<string | null>(null);
  const copied = useRef(onCopied);
  useEffect(() => {
    copied.current = onCopied;
  });
  // A copy still running when the field goes away is stopped: nobody would see where it went. Checked a moment
  // later, so React's development remount (StrictMode) does not stop it.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      setTimeout(() => {
        if (!mounted.current && current.current && current.current !== cancelAsked.current)
          void porthole()
            .cancelIsoCopy({ copyId: current.current })
            .catch(() => undefined);
      }, 0);
    };
  }, []);

  const start = useCallback((path: string) => {
    if (current.current) return;
    const copyId = newCopyId();
    current.current = copyId;
    const name = path.slice(path.lastIndexOf('/') + 1);
    setState({ step: 'copying', name, phase: 'checking', done: 0, total: 0 });
    const api = porthole();
    const off = api.subscribe('isoCopyProgress', (p) => {
      if (p.copyId !== copyId) return;
      setState((s) => (s.step === 'copying' ? { ...s, phase: p.phase, done: p.doneBytes, total: p.totalBytes } : s));
    });
    api
      .copyIsoToEngine({ path, copyId })
      .then(
        (result) => {
          setState({ step: 'done', result });
          copied.current(result.path);
        },
        (e: unknown) =>
          setState(
            (e as { code?: unknown }).code === 'CANCELLED'
              ? { step: 'cancelled' }
              : { step: 'failed', message: errorText(e) },
          ),
      )
      .finally(() => {
        off();
        if (current.current === copyId) current.current = null;
      });
  }, []);

  const cancel = useCallback(() => {
    const copyId = current.current;
    if (!copyId || cancelAsked.current === copyId) return;
    cancelAsked.current = copyId;
    void porthole()
      .cancelIsoCopy({ copyId })
      .catch(() => undefined);
  }, []);

  return { state, start, cancel };
}
