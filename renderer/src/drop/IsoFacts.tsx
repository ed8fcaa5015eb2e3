import type { IsoInfo } from '@porthole/api';
import { describeIso, isoOutcome } from '../machine-form/form/iso-choice';

/** What a confirmation dialog for a dropped ISO is given. */
export interface ConfirmProps {
  path: string;
  info: IsoInfo;
  onClose: () => void;
  /** The work is done: say so briefly. */
  onDone: (message: string) => void;
}

/** The dropped ISO's path, what it is and what it will do. */
export function IsoFacts({ path, info }: { path: string; info: IsoInfo }) {
  return (
    <div className="iso-facts">
      <code>{path}</code>
      <p className="muted">
        {describeIso(info)}. {isoOutcome(info)}
      </p>
    </div>
  );
}

/** How a dialog's work reports its progress and failure. */
export interface WorkReport {
  setWorking: (working: string | null) => void;
  setError: (error: string | null) => void;
}
