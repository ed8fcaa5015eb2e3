import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppList, MachineView, WindowsApp } from '@porthole/api';
import { porthole } from '../api/porthole';
import './apps.css';

const SOURCE: Record<WindowsApp['source'], string> = {
  'start-menu': 'Start menu',
  'app-paths': 'App Paths',
  uwp: 'Microsoft Store app',
};

/** What to say when there is no list: each state names what the person can do. */
function Empty({ list, machine }: { list: AppList; machine: MachineView }) {
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

function AppTile({
  app,
  busy,
  onOpen,
  onMenu,
}: {
  app: WindowsApp;
  busy: boolean;
  onOpen: () => void;
  onMenu: () => void;
}) {
  return (
    <li className="app-tile" data-testid={`app-${app.id}`}>
      {app.icon ? <img src={app.icon} alt="" /> : <span className="app-icon-blank" aria-hidden="true" />}
      <h3 title={app.name}>{app.name}</h3>
      <span className="app-meta" title={`${app.target} ${app.args}`}>
        {SOURCE[app.source]}
      </span>
      <footer>
        <button className="primary" disabled={busy} onClick={onOpen}>
          Open
        </button>
        <button className="ghost" disabled={busy} onClick={onMenu} aria-pressed={app.inMenu}>
          {app.inMenu ? 'Remove from app menu' : 'Add to app menu'}
        </button>
      </footer>
    </li>
  );
}

/**
 * `#/apps/<id>`: the Windows programs the machine's guest listed, with icons, a search, Open (RemoteApp,
 * through the backend, so the web host opens FreeRDP on this computer too) and the app menu (pinned first).
 */
export function AppsPage({ machine, loaded }: { machine: MachineView | null; loaded: boolean }) {
  const id = machine?.id;
  const [list, setList] = useState<AppList | null>(null);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const [reads, setReads] = useState(0);
  const load = useCallback(() => setReads((n) => n + 1), []);
  useEffect(() => {
    if (!id) return;
    let current = true;
    porthole()
      .listApps({ id })
      .then(
        (next) => current && setList(next),
        (e: Error & { remedy?: string }) => current && setError(e.remedy ? `${e.message} ${e.remedy}` : e.message),
      );
    return () => {
      current = false;
    };
  }, [id, reads]);

  const shown = useMemo(() => {
    const words = query.trim().toLowerCase();
    const apps = (list?.apps ?? []).filter((a) => !words || a.name.toLowerCase().includes(words));
    return { pinned: apps.filter((a) => a.inMenu), others: apps.filter((a) => !a.inMenu) };
  }, [list, query]);

  if (!machine) return <p className="muted">{loaded ? 'There is no such machine.' : 'Loading…'}</p>;

  const act = (app: WindowsApp, what: 'open' | 'menu'): void => {
    setBusy(app.id);
    setError(null);
    setSaid(what === 'open' ? `Opening ${app.name}…` : null);
    const op =
      what === 'open'
        ? porthole()
            .launchApp({ id: machine.id, app: app.id })
            .then((r) =>
              setSaid(
                r.launched
                  ? `${app.name} opened in ${r.client} on this computer.`
                  : `${r.fix?.text ?? ''} ${(r.fix?.commands ?? []).join(' or ')}`,
              ),
            )
        : porthole().setAppInMenu({ id: machine.id, app: app.id, inMenu: !app.inMenu }).then(load);
    op.catch((e: Error & { remedy?: string }) => {
      setSaid(null);
      setError(e.remedy ? `${e.message} ${e.remedy}` : e.message);
    }).finally(() => setBusy(null));
  };
  const tiles = (apps: WindowsApp[]) => (
    <ul className="apps-grid">
      {apps.map((app) => (
        <AppTile
          key={app.id}
          app={app}
          busy={busy !== null}
          onOpen={() => act(app, 'open')}
          onMenu={() => act(app, 'menu')}
        />
      ))}
    </ul>
  );
  // While a launch waits for a stopped machine to start, its own status says how far it is.
  const starting =
    busy && said?.startsWith('Opening') && machine.status.phase !== 'ready' ? machine.status.message : null;

  return (
    <section className="apps-page" data-testid="apps-page">
      {/* A tab of the machine page, which has the name and the way back: here, only the search. */}
      <div className="apps-head">
        <input
          className="apps-search"
          type="search"
          placeholder="Search programs"
          aria-label="Search programs"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <button onClick={load}>Refresh</button>
      </div>
      {said ? (
        <p className="apps-status" role="status" data-testid="apps-status">
          {starting ? `${said} ${starting}` : said}
        </p>
      ) : null}
      {error ? (
        <p className="apps-error" role="alert">
          {error}
        </p>
      ) : null}
      {!list ? (
        <p className="muted">Reading the program list…</p>
      ) : list.state !== 'ok' || list.apps.length === 0 ? (
        <Empty list={list} machine={machine} />
      ) : (
        <>
          {shown.pinned.length ? (
            <>
              <h2 className="apps-section">In the app menu</h2>
              {tiles(shown.pinned)}
            </>
          ) : null}
          {shown.others.length ? (
            <>
              {shown.pinned.length ? <h2 className="apps-section">All programs</h2> : null}
              {tiles(shown.others)}
            </>
          ) : null}
          {!shown.pinned.length && !shown.others.length ? <p className="muted">No program matches “{query}”.</p> : null}
        </>
      )}
      {list?.warnings.length ? (
        <details className="apps-warnings">
          <summary>{list.warnings.length} entries of the list were left out or shown without an icon</summary>
          <ul>
            {list.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}
