import type { AppList, MachineView } from '@porthole/api';

/** What to say when there is no list: each state names what the person can do. */
export function AppsEmpty({ list, machine }: { list: AppList; machine: MachineView }) {
  if (list.state === 'not-written') {
    return (
      <div className="apps-note" data-testid="apps-empty">
        <p>Windows writes the list after you sign in for the first time.</p>
        <p className="muted">
          Open {machine.name}’s screen and sign in; the list then comes by itself, and again whenever a program is
          installed.
        </p>
      </div>
    );
  }
  if (list.state === 'unreadable')
    return (
      <div className="apps-note" data-testid="apps-empty">
        <p>The program list in {list.folder} cannot be read.</p>
      </div>
    );
  return (
    <div className="apps-note" data-testid="apps-empty">
      <p>Windows lists no programs.</p>
    </div>
  );
}
