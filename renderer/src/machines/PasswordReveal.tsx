import { useState } from 'react';
import { describeHidden, hiddenCharacters, showHidden } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/**
 * The machine's Windows password (for Remote Desktop and the lock screen): hidden until revealed,
 * copyable. Views never carry it: it is asked of the backend only when the person asks, and forgotten
 * when they hide it again.
 */
export function PasswordReveal({ id, username }: { id: string; username: string }) {
  const [password, setPassword] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const fetchPassword = async (): Promise<string> => (await porthole().machinePassword({ id })).password;

  const reveal = (): void => {
    setNote(null);
    if (password !== null) return setPassword(null);
    fetchPassword().then(setPassword, (e: unknown) => setNote(`Porthole could not read the password: ${errorText(e)}`));
  };
  const copy = (): void => {
    setNote(null);
    fetchPassword()
      .then((p) => navigator.clipboard.writeText(p))
      .then(
        () => setNote('Copied.'),
        (e: unknown) => setNote(`Could not copy the password: ${errorText(e)}`),
      );
  };

  // A password stored before the rule refused invisible marks: each is shown as \u{202E}, and said (Copy copies it exactly).
  const hidden = password === null ? [] : hiddenCharacters(password);
  return (
    <p className="machine-password" data-testid="password">
      <span>
        Sign in as <strong>{username}</strong>, password{' '}
        <code data-testid="password-value">{password === null ? '••••••••••••' : showHidden(password)}</code>
      </span>{' '}
      {hidden.length > 0 ? (
        <span className="muted" data-testid="password-hidden">
          It holds characters that cannot be seen, written as \u{'{…}'}: {hidden.map(describeHidden).join('; ')}.
        </span>
      ) : null}
      <button type="button" className="ghost" onClick={reveal} aria-pressed={password !== null}>
        {password === null ? 'Show password' : 'Hide password'}
      </button>
      <button type="button" className="ghost" onClick={copy}>
        Copy password
      </button>
      {note ? <span role="status">{note}</span> : null}
    </p>
  );
}
