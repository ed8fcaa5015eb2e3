import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuActions {
  quit(): void;
  toggleAutostart(enabled: boolean): void;
  openExternal(url: string): void;
  /** Porthole's own log, in the app (the machine page's "Porthole log" view). */
  openAppLog(): void;
  /** The log's file, selected in the file manager. */
  showAppLogFile(): void;
}

export const DOCKUR_DOCS_URL = 'https://github.com/dockur/windows';

/** The window menu: File, Edit, View, Window, Help. Reload and DevTools only in development. */
export function buildAppMenuTemplate(opts: {
  dev: boolean;
  autostartEnabled: boolean;
  actions: AppMenuActions;
}): MenuItemConstructorOptions[] {
  const { actions } = opts;
  const view: MenuItemConstructorOptions[] = [
    ...(opts.dev
      ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)
      : []),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    {
      id: 'file',
      label: '&File',
      submenu: [
        {
          id: 'autostart',
          label: 'Start Porthole at Login',
          type: 'checkbox',
          checked: opts.autostartEnabled,
          click: (item) => actions.toggleAutostart(item.checked),
        },
        { type: 'separator' },
        { role: 'close', label: 'Close Window' },
        { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    { id: 'edit', label: '&Edit', role: 'editMenu' },
    { id: 'view', label: '&View', submenu: view },
    { id: 'window', label: '&Window', role: 'windowMenu' },
    {
      id: 'help',
      label: '&Help',
      submenu: [
        { id: 'dockur-docs', label: 'About the Windows Container', click: () => actions.openExternal(DOCKUR_DOCS_URL) },
        { type: 'separator' },
        { id: 'app-log', label: 'Porthole’s Log', click: () => actions.openAppLog() },
        { id: 'app-log-file', label: 'Show Log File in Folder', click: () => actions.showAppLogFile() },
        { type: 'separator' },
        { role: 'about', label: 'About Porthole' },
      ],
    },
  ];
}
