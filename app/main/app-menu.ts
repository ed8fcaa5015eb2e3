import { app, Menu, shell as electronShell } from 'electron';
import { toEnvelope } from '../api';
import { showAppLogFile } from './app-log-file';
import { autostartFile, isAutostartEnabled, setAutostart } from './autostart';
import { ownCommand } from './cli-routing';
import { buildAppMenuTemplate } from './menu';
import { pageUrl } from './page';
import type { Shell } from './shell';
import { isAllowedExternalUrl } from './window';

/** The window menu (menu.ts), built again whenever the login start is switched. `appLogFile`: Porthole's own log. */
export async function installAppMenu(shell: Shell, appLogFile: string): Promise<void> {
  const autostart = autostartFile(process.env);
  const { showError } = shell;
  const build = async (): Promise<void> => {
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildAppMenuTemplate({
          dev: !app.isPackaged,
          autostartEnabled: await isAutostartEnabled(autostart),
          actions: {
            quit: () => void shell.quit.request(),
            toggleAutostart: (enabled) => {
              setAutostart(autostart, enabled, ownCommand())
                .catch((err: unknown) =>
                  showError('Could not change the login start', { code: 'INTERNAL', message: String(err) }),
                )
                .finally(() => void build());
            },
            openExternal: (url) => {
              if (isAllowedExternalUrl(url)) void electronShell.openExternal(url);
            },
            openAppLog: () => void shell.showMain().loadURL(pageUrl(shell.location, '/app-log')),
            showAppLogFile: () =>
              void showAppLogFile(appLogFile, electronShell).catch((err: unknown) =>
                showError('Could not show Porthole’s log', toEnvelope(err)),
              ),
          },
        }),
      ),
    );
  };
  await build();
}
