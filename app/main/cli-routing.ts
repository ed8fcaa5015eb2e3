import { app } from 'electron';
import { launchCommand } from './autostart';
import { routeArgv } from './instance-routing';

/**
 * What this start of the executable does. The installed executable is the CLI too: `porthole check` runs the
 * CLI here, `porthole app M A` (an app-menu launcher) goes to the running Porthole, anything else is the GUI
 * (`startGui`, once this process holds the single-instance lock). See instance-routing.ts routeArgv.
 */
export function routeStartup(argv: string[], startGui: () => void): void {
  const route = routeArgv(argv, { defaultApp: !app.isPackaged });
  if (route.kind === 'cli') {
    // No window, no single-instance lock: a CLI run may go alongside the GUI, as `node out/node/cli.js` does.
    runCli(route.argv);
  } else if (!app.requestSingleInstanceLock({ argv })) {
    // The running Porthole gets our arguments (an app launch included) through 'second-instance'.
    app.quit();
  } else if (route.kind === 'app') {
    // No Porthole runs: open the program from this process, as `porthole app` does, then exit.
    app.releaseSingleInstanceLock();
    runCli(route.argv);
  } else {
    startGui();
  }
}

/** The CLI in this process, its output on ours; exits with its code once the output is written. */
export function runCli(argv: string[]): void {
  // No GPU process and no display needed (a terminal over ssh has none).
  app.disableHardwareAcceleration();
  app.commandLine.appendSwitch('ozone-platform', 'headless');
  const write =
    (stream: NodeJS.WriteStream) =>
    (text: string): void =>
      void stream.write(text);
  void import('../cli/main')
    .then(({ run }) => run(argv, write(process.stdout), write(process.stderr)))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    })
    .then((code) => process.stdout.write('', () => process.stderr.write('', () => app.exit(code))));
}

/** What starts this Porthole again (login entry, app-menu launchers): the installed executable or the AppImage. */
export function ownCommand(): string[] {
  return launchCommand({
    execPath: process.execPath,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    env: process.env,
  });
}
