import { useState } from 'react';

/**
 * One button's call to the backend: busy while it runs, and its failure in words (the message and the
 * remedy). The card and its fix buttons share it, so a failure reads the same wherever it is shown.
 */
export function useAction(): { busy: boolean; error: string | null; run: (op: () => Promise<unknown>) => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (op: () => Promise<unknown>): void => {
    setBusy(true);
    setError(null);
    op()
      .catch((e: Error & { remedy?: string }) => setError(e.remedy ? `${e.message} ${e.remedy}` : e.message))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}
