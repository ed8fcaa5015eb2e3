import { useState } from 'react';
import { phaseLabels, type DesktopBridge, type MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hash-route';

/** The screen page's header: back to the list, the machine and its phase, how the screen is reached, sign-in. */
export function ScreenHeader({
  machine,
  via,
  desktop,
  onOpenMachinePage,
}: {
  machine: MachineView;
  via: string | null;
  desktop: DesktopBridge | null;
  onOpenMachinePage: (machineId: string) => void;
}) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  return (
    <header className="screen-header">
      <button className="ghost" onClick={() => navigate('/')} aria-label="Back to machines">
        ← Machines
      </button>
      <strong>{machine.name}</strong>
      <span className="muted">{phaseLabels[machine.status.phase]}</span>
      {via ? (
        <span className="muted screen-via" data-testid="screen-via">
          {via}
        </span>
      ) : null}
      {/* The account Windows signs in with, and its password a click away (it lives on the machine page). */}
      <span className="muted screen-signin" data-testid="screen-signin">
        Sign in as {machine.username}
      </span>
      <button
        className="ghost"
        // The visible words first in the name (WCAG 2.5.3), then which machine's.
        aria-label={`${copied === 'yes' ? 'Password copied' : copied === 'failed' ? 'Copy failed' : 'Copy password'} (${machine.name})`}
        onClick={() => {
          porthole()
            .machinePassword({ id: machine.id })
            .then((r) => (desktop ? desktop.writeClipboard(r.password) : navigator.clipboard.writeText(r.password)))
            .then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            );
        }}
      >
        {copied === 'yes' ? 'Password copied' : copied === 'failed' ? 'Copy failed' : 'Copy password'}
      </button>
      <button className="ghost" onClick={() => onOpenMachinePage(machine.id)}>
        Details and logs
      </button>
    </header>
  );
}
