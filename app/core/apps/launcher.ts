/**
 * How this Porthole was started, and so the command that starts it again: what app-menu launchers
 * (`<command> app MACHINE APP %f`) and the login entry (`<command> --hidden`) run. One function, so
 * every file Porthole writes names the same executable; nothing here runs Electron as a plain Node
 * (a released Electron has that fuse off), since the installed executable itself routes CLI verbs.
 */
export type HowStarted =
  /** The Node CLI or web host from a build folder (`node out/node/cli.js`): development and the test bed. */
  | { kind: 'node'; node: string; cliScript: string }
  /** Electron from a build folder (`electron .`): the app folder follows the executable. */
  | { kind: 'electron-dev'; electron: string; appPath: string }
  /** An installed package (deb, rpm, tar.gz): the executable (the launcher), which is where /usr/bin/porthole links to. */
  | { kind: 'packaged'; executable: string }
  /** An AppImage: its own file ($APPIMAGE), since the mount path it runs from changes on every run. */
  | { kind: 'appimage'; appImage: string };

/** Facts a shell reads from its process, turned into a HowStarted. */
export function howStarted(opts: {
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** null under Node; under Electron, whether it is packaged and its app folder. */
  electron: { packaged: boolean; appPath: string } | null;
  cliScript: string;
}): HowStarted {
  if (!opts.electron) return { kind: 'node', node: opts.execPath, cliScript: opts.cliScript };
  if (!opts.electron.packaged) return { kind: 'electron-dev', electron: opts.execPath, appPath: opts.electron.appPath };
  // Only a packaged app believes $APPIMAGE: a child of an AppImage inherits it.
  const appImage = opts.env.APPIMAGE;
  if (appImage && appImage.startsWith('/')) return { kind: 'appimage', appImage };
  // A package runs Electron as `porthole.bin` behind the `porthole` launcher (build/after-pack.mjs): name the launcher.
  return { kind: 'packaged', executable: opts.execPath.replace(/\.bin$/, '') };
}

/** The argv prefix that runs Porthole as it was started: add a CLI verb (`app M A`) or GUI flags (`--hidden`). */
export function portholeCommand(how: HowStarted): string[] {
  switch (how.kind) {
    case 'node':
      return [how.node, how.cliScript];
    case 'electron-dev':
      return [how.electron, how.appPath];
    case 'packaged':
      return [how.executable];
    case 'appimage':
      return [how.appImage];
  }
}
