import type { ReactNode } from 'react';

/** What a dialog is doing right now, and what went wrong: shown the same way in every dialog and card. */
export function WorkNotes({ working, error }: { working?: string | null; error?: ReactNode }) {
  return (
    <>
      {working ? (
        <p className="muted" role="status">
          {working}
        </p>
      ) : null}
      {error ? (
        <div className="failure" role="alert">
          {error}
        </div>
      ) : null}
    </>
  );
}
