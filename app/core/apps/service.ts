import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  APPS_FOLDER,
  PortholeError,
  type AppList,
  type MachineSettings,
  type MachineView,
  type WindowsApp,
} from '../../api';
import type { RemoteDesktopResult } from '../remote/index';
import { channelAppsFolder, type ChannelShare } from './channel';
import { addToMenu, menuEntries, removeFromMenu } from './desktop-entry';
import {
  parseAppsFiles,
  readAppsFolder,
  type AppsFolderEntry,
  type AppsFolderPlace,
  type AppsFolderRead,
  type AppsFoldersThere,
} from './folder';
import { howStarted, portholeCommand } from './launcher';
import { openRemoteApp, windowsPathOf } from './remoteapp';

export interface AppsDeps {
  env: NodeJS.ProcessEnv;
  /** The command that runs Porthole's CLI, which menu entries start (`<command> app MACHINE APP %f`). */
  cliCommand: string[];
  get(id: string): MachineView;
  settings(id: string): Promise<MachineSettings>;
  start(id: string): Promise<void>;
  /** Windows has finished installing (the install marker came once). */
  installed(id: string): boolean;
  /** Where a machine's port is reached from here (engine/machine-address.ts); default: 127.0.0.1 as published. */
  address?(port: number): Promise<{ host: string; port: number; note?: string }>;
  /** Calls back with each new view of a machine until the returned function is called. */
  watch(listener: (view: MachineView) => void): () => void;
  /** Serves Porthole's channel share in the running container (channel.ts); absent: not served (tests of the reading alone). */
  serveChannel?(containerId: string): Promise<ChannelShare>;
  /**
   * On a remote engine: its computer, where the storage and shared folders are, and so the list Windows
   * writes (storage/engine-host-apps.ts reads it there). Absent: this computer's folders are read.
   */
  there?: AppsFoldersThere;
}

/**
 * The command that runs this Porthole again, for launchers: under Node, `out/node/cli.js` beside the running
 * bundle (the web host, the CLI) or in ../node; under Electron (a CLI verb run in-process by the installed
 * executable), that executable or the AppImage. The Electron shell passes its own (backend's cliCommand).
 */
export function defaultCliCommand(): string[] {
  // This module is bundled into out/node/{web,cli}.js and out/main/index.js: the CLI is beside it or in ../node.
  const here = dirname(fileURLToPath(import.meta.url));
  const cli =
    [join(here, 'cli.js'), join(here, '..', 'node', 'cli.js')].find((p) => existsSync(p)) ?? join(here, 'cli.js');
  // Electron sets process.defaultApp when started as `electron APP_PATH` (unpackaged), with the path in argv[1].
  const defaultApp = (process as { defaultApp?: boolean }).defaultApp === true;
  const electron = process.versions.electron ? { packaged: !defaultApp, appPath: process.argv[1] ?? '.' } : null;
  return portholeCommand(howStarted({ execPath: process.execPath, env: process.env, electron, cliScript: cli }));
}

function iconUrl(png: Buffer | null): string | null {
  return png ? `data:image/png;base64,${png.toString('base64')}` : null;
}

/** Windows programs of a machine: read from its shared folder, launched through RemoteApp, put in the app menu. */
export class AppsService {
  constructor(private readonly deps: AppsDeps) {}

  /**
   * The list from Porthole's channel (channel.ts); while it has none, from the first shared folder, where
   * the script of a machine installed by an older Porthole still writes it.
   */
  private async read(id: string): Promise<{ list: AppList; entries: AppsFolderEntry[] }> {
    const settings = await this.deps.settings(id);
    const places: AppsFolderPlace[] = [{ root: settings.storageDir, dir: channelAppsFolder(settings.storageDir) }];
    const shared = settings.sharedFolders[0];
    if (shared) places.push({ root: shared.hostPath, dir: join(shared.hostPath, APPS_FOLDER) });
    const { folder, read } = await this.readFirst(places);
    // One icon carried by many programs is encoded once.
    const urls = new Map<Buffer, string | null>();
    const url = (png: Buffer | null): string | null => {
      if (!png) return null;
      if (!urls.has(png)) urls.set(png, iconUrl(png));
      return urls.get(png) ?? null;
    };
    const inMenu = new Set((await menuEntries(this.deps.env)).filter((e) => e.machineId === id).map((e) => e.appId));
    const apps: WindowsApp[] = read.apps.map((a) => ({
      id: a.id,
      name: a.name,
      target: a.target,
      args: a.args,
      source: a.source,
      icon: url(a.iconPng),
      inMenu: inMenu.has(a.id),
    }));
    return {
      list: { state: read.state, folder, written: read.written, apps, warnings: read.warnings },
      entries: read.apps,
    };
  }

  /**
   * The first of `places` with a list (a missing one is `not-written`, so the next is read); none: the first,
   * not written. On a remote engine, read on its computer in one helper run (nothing read here), and the
   * folder named with that computer.
   */
  private async readFirst(places: AppsFolderPlace[]): Promise<{ folder: string; read: AppsFolderRead }> {
    const there = this.deps.there;
    if (there) {
      const found = await there.read(places);
      const place = places[found?.index ?? 0]!;
      const read: AppsFolderRead = found
        ? await parseAppsFiles(found.files)
        : { state: 'not-written', written: null, apps: [], warnings: [] };
      return { folder: `${place.dir} on ${there.host}`, read };
    }
    for (const place of places) {
      const read = await readAppsFolder(place.dir, { root: place.root });
      if (read.state !== 'not-written') return { folder: place.dir, read };
    }
    return { folder: places[0]!.dir, read: { state: 'not-written', written: null, apps: [], warnings: [] } };
  }

  /** The list; a menu entry whose program Windows no longer lists goes with it. */
  async list(id: string): Promise<AppList> {
    const { list } = await this.read(id);
    if (list.state === 'ok') {
      const present = new Set(list.apps.map((a) => a.id));
      await removeFromMenu(this.deps.env, id, (appId) => !present.has(appId));
    }
    return list;
  }

  private async find(id: string, appId: string): Promise<AppsFolderEntry> {
    const { list, entries } = await this.read(id);
    const found = entries.find((e) => e.id === appId);
    if (found) return found;
    const machine = this.deps.get(id).name;
    if (list.state === 'not-written') {
      throw new PortholeError(
        'NOT_FOUND',
        `Windows on ${machine} has not listed its programs yet.`,
        'Windows writes the list after you sign in for the first time; open the machine’s screen and sign in.',
      );
    }
    throw new PortholeError(
      'NOT_FOUND',
      `${machine} lists no program ${appId}.`,
      `"porthole apps ${id}" lists its programs.`,
    );
  }

  async setInMenu(id: string, appId: string, inMenu: boolean): Promise<{ inMenu: boolean; desktopFile: string }> {
    if (!inMenu) {
      const [file] = await removeFromMenu(this.deps.env, id, (a) => a === appId);
      return { inMenu: false, desktopFile: file ?? '' };
    }
    const app = await this.find(id, appId);
    const machine = this.deps.get(id);
    const desktopFile = await addToMenu(
      this.deps.env,
      { machineId: id, machineName: machine.name, appId, name: app.name, iconPng: app.iconPng },
      this.deps.cliCommand,
    );
    return { inMenu: true, desktopFile };
  }

  /**
   * Serves the channel share in each container once the image has set up Samba (it has when the screen is
   * ready: QEMU is launched after). Once per container: the image writes its Samba configuration anew at
   * each start, so a new container (a start) is served again. Returns the function that stops watching.
   */
  serveChannels(onResult?: (id: string, result: ChannelShare) => void): () => void {
    const serve = this.deps.serveChannel;
    if (!serve) return () => undefined;
    const done = new Set<string>();
    const busy = new Set<string>();
    return this.deps.watch((view) => {
      const container = view.status.containerId;
      if (!container || !view.status.running || !view.status.screenReady || done.has(container) || busy.has(container))
        return;
      busy.add(container);
      void serve(container)
        .catch((): ChannelShare => 'failed')
        .then((result) => {
          busy.delete(container);
          // Not set up yet: the next view of the machine tries again.
          if (result !== 'not-ready') done.add(container);
          onResult?.(view.id, result);
        });
    });
  }

  /** Removes every menu entry of a deleted machine. */
  async forget(id: string): Promise<void> {
    await removeFromMenu(this.deps.env, id);
  }

  /**
   * Opens the program. A machine that is off is started and waited for (its card and `porthole app` show
   * the progress); one still installing Windows is refused: its programs are not there yet.
   */
  async launch(id: string, appId: string, file?: string): Promise<RemoteDesktopResult> {
    // First, since while Windows installs its programs are not listed yet either.
    if (!this.installed(id)) throw this.installing(id);
    if (file && this.deps.there) throw this.fileNotThere(id, file, this.deps.there.host);
    const app = await this.find(id, appId);
    const settings = await this.deps.settings(id);
    const windowsFile = file ? await windowsPathOf(settings, file) : undefined;
    await this.ready(id);
    // Asked once the machine runs: an ssh engine's forward is opened for the RDP port it has now (a start may re-choose it).
    const address = this.deps.address ? await this.deps.address(this.deps.get(id).ports.rdp) : undefined;
    return openRemoteApp(
      settings,
      { appId, name: app.name, target: app.target, args: app.args, ...(windowsFile ? { file: windowsFile } : {}) },
      { env: this.deps.env, ...(address ? { address } : {}) },
    );
  }

  /**
   * A file to open is this computer's, and the shared folder Windows sees is on the remote engine's
   * computer: nothing of the same name here is looked at (it would be another folder).
   */
  private fileNotThere(id: string, file: string, host: string): PortholeError {
    return new PortholeError(
      'INVALID_ARGUMENT',
      `${this.deps.get(id).name} runs on ${host}, the engine's computer: Windows sees its shared folder there, not ${file} on this computer.`,
      `Copy the file into the shared folder on ${host}, then open the program and the file from Windows.`,
    );
  }

  /** Ready means installed too: the record's flag is written a moment after the marker sets the phase. */
  private installed(id: string): boolean {
    return this.deps.installed(id) || this.deps.get(id).status.phase === 'ready';
  }

  private installing(id: string): PortholeError {
    return new PortholeError(
      'CONFLICT',
      `Windows is still installing on ${this.deps.get(id).name}.`,
      'Wait until the machine says Running (the install finishes by itself), then open the program again.',
    );
  }

  private async ready(id: string): Promise<void> {
    const view = this.deps.get(id);
    const installing = (): PortholeError => this.installing(id);
    if (view.status.phase === 'ready') return;
    if (view.status.phase === 'installing' || !this.installed(id)) throw installing();
    if (view.status.phase === 'unknown')
      throw new PortholeError('ENGINE_UNAVAILABLE', view.status.message ?? 'The container engine is not reachable.');
    let stop: () => void = () => undefined;
    const settled = new Promise<void>((resolve, reject) => {
      let ran = view.status.running;
      stop = this.deps.watch((next) => {
        if (next.id !== id) return;
        ran ||= next.status.running;
        if (next.status.phase === 'ready') resolve();
        else if (next.status.phase === 'installing') reject(installing());
        else if (next.status.phase === 'failed' || (ran && !next.status.running && next.status.phase !== 'stopping')) {
          const failure = next.status.failure;
          reject(
            new PortholeError(
              'CONFLICT',
              `${view.name} did not start${failure ? `: ${failure.cause}` : '.'}`,
              failure?.remedy ?? `"porthole logs ${id}" shows why.`,
            ),
          );
        }
      });
    });
    try {
      if (!view.status.running) await this.deps.start(id);
      if (this.deps.get(id).status.phase === 'ready') return;
      await settled;
    } finally {
      stop();
    }
  }
}
