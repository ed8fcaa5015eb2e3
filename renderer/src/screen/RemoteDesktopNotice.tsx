import { FixCommands } from '../check/FixCommands';
import '../check/check.css';

export interface RemoteDesktopMessage {
  text: string;
  /** How to install a client: each line copyable, as in the host checklist. */
  commands: string[];
}

/**
 * What opening Remote Desktop did, as a bar above the screen (never over it: the screen stays usable),
 * with the install commands copyable one by one when no client is installed.
 */
export function RemoteDesktopNotice({ message, onDismiss }: { message: RemoteDesktopMessage; onDismiss: () => void }) {
  return (
    <div className="rdp-notice" role="status" data-testid="rdp-notice">
      <div className="rdp-notice-body">
        <p>{message.text}</p>
        <FixCommands commands={message.commands} />
      </div>
      <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss">
        ×
      </button>
    </div>
  );
}
