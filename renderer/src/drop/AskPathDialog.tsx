import { useState } from 'react';
import { validateIsoPath } from '@porthole/api';
import { Dialog } from '../ui/Dialog';

/** The web host: browsers do not tell where a dropped file is, so the person types its path. */
export function AskPathDialog({
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
