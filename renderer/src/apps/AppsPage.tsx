import { useMemo, useState } from 'react';
import type { AppList, MachineView, WindowsApp } from '@porthole/api';
import { AppTiles } from './AppTile';
import { AppsEmpty } from './AppsEmpty';
import { useAppActions, useAppList } from './use-apps';
import './apps.css';

type Act = (app: WindowsApp, what: 'open' | 'menu') => void;

/** The programs the search leaves, those in the app menu first; or that none matches. */
function AppSections({ list, query, busy, onAct }: { list: AppList; query: string; busy: boolean; onAct: Act }) {
  const shown = useMemo(() => {
    const words = query.trim().toLowerCase();
    const apps = list.apps.filter((a) => !words || a.name.toLowerCase().includes(words));
    return { pinned: apps.filter((a) => a.inMenu), others: apps.filter((a) => !a.inMenu) };
  }, [list, query]);
  return (
    <>
      {shown.pinned.length ? (
        <>
          <h2 className="apps-section">In the app menu</h2>
          <AppTiles apps={shown.pinned} busy={busy} onAct={onAct} />
        </>
      ) : null}
      {shown.others.length ? (
        <>
          {shown.pinned.length ? <h2 className="apps-section">All programs</h2> : null}
          <AppTiles apps={shown.others} busy={busy} onAct={onAct} />
        </>
      ) : null}
      {!shown.pinned.length && !shown.others.length ? <p className="muted">No program matches “{query}”.</p> : null}
    </>
  );
}

/** The entries the guest's list had that were dropped or shown without an icon. */
function ListWarnings({ warnings }: { warnings: string[] }) {
  return (
    <details className="apps-warnings">
      <summary>{warnings.length} entries of the list were left out or shown without an icon</summary>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </details>
  );
}

/**
 * `#/apps/<id>`: the Windows programs the machine's guest listed, with icons, a search, Open (RemoteApp,
 * through the backend, so the web host opens FreeRDP on this computer too) and the app menu (pinned first).
 */
export function AppsPage({ machine, loaded }: { machine: MachineView | null; loaded: boolean }) {
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { list, load } = useAppList(machine?.id, setError);
  const { busy, said, act } = useAppActions(machine?.id, load, setError);

  if (!machine) return <p className="muted">{loaded ? 'There is no such machine.' : 'Loading…'}</p>;

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
        <AppsEmpty list={list} machine={machine} />
      ) : (
        <AppSections list={list} query={query} busy={busy !== null} onAct={act} />
      )}
      {list?.warnings.length ? <ListWarnings warnings={list.warnings} /> : null}
    </section>
  );
}
