import type { WindowsApp } from '@porthole/api';

const SOURCE: Record<WindowsApp['source'], string> = {
  'start-menu': 'Start menu',
  'app-paths': 'App Paths',
  uwp: 'Microsoft Store app',
};

/** One Windows program: its icon, name and source, Open, and its place in the app menu. */
export function AppTile({
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

/** A grid of program tiles; all are disabled while one action runs. */
export function AppTiles({
  apps,
  busy,
  onAct,
}: {
  apps: WindowsApp[];
  busy: boolean;
  onAct: (app: WindowsApp, what: 'open' | 'menu') => void;
}) {
  return (
    <ul className="apps-grid">
      {apps.map((app) => (
        <AppTile
          key={app.id}
          app={app}
          busy={busy}
          onOpen={() => onAct(app, 'open')}
          onMenu={() => onAct(app, 'menu')}
        />
      ))}
    </ul>
  );
}
