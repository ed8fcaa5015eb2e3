import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MachineSettings, MachineView } from '../../api';
import { receivedAppsFiles } from '../storage/engine-host-apps';
import type { AppsFolderPlace, AppsFoldersThere } from './folder';
import { AppsService } from './service';

const SAMPLE = join(__dirname, 'fixtures', 'apps-sample');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-apps-there-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A service whose engine is remote: `there` answers the list (the sample's files, as a helper sends them). */
function serviceThere(asked: AppsFolderPlace[][]): AppsService {
  const there: AppsFoldersThere = {
    host: 'engine.example',
    read: async (places) => {
      asked.push([...places]);
      const files = new Map<string, Buffer>([['apps.json', await readFile(join(SAMPLE, 'apps.json'))]]);
      for (const icon of await readdir(join(SAMPLE, 'icons')))
        files.set(`icons/${icon}`, await readFile(join(SAMPLE, 'icons', icon)));
      return { index: 0, files: receivedAppsFiles(files) };
    },
  };
  const settings = {
    id: 'win',
    name: 'Win',
    username: 'Alice',
    password: 'pw',
    screen: { width: 1280, height: 720 },
    storageDir: join(dir, 'storage'),
    sharedFolders: [{ hostPath: join(dir, 'shared'), readOnly: false }],
    ports: { web: 18006, rdp: 13389 },
  } as unknown as MachineSettings;
  const view = {
    id: 'win',
    name: 'Win',
    ports: { web: 18006, rdp: 13389 },
    status: { phase: 'ready', running: true, screenReady: true },
  } as unknown as MachineView;
  return new AppsService({
    env: { XDG_DATA_HOME: join(dir, 'xdg'), HOME: dir, PATH: join(dir, 'bin'), FAKE_RECORDS: dir },
    address: () => Promise.resolve({ host: '127.0.0.1', port: 40999, note: 'forwarded' }),
    cliCommand: ['porthole'],
    get: () => view,
    settings: () => Promise.resolve(settings),
    start: () => Promise.resolve(),
    installed: () => true,
    watch: () => () => undefined,
    there,
  });
}

describe('AppsService on a remote engine (the list read on its computer)', () => {
  it('lists what was read there, naming that computer; a folder of the same name here is not read', async () => {
    // Here, at the same paths, another list: it must not show.
    await cp(SAMPLE, join(dir, 'storage', 'porthole', 'apps'), { recursive: true });
    await writeFile(
      join(dir, 'storage', 'porthole', 'apps', 'apps.json'),
      JSON.stringify({ format: 'porthole-apps/1', apps: [] }),
    );
    const asked: AppsFolderPlace[][] = [];
    const list = await serviceThere(asked).list('win');
    expect(list.folder).toBe(`${join(dir, 'storage', 'porthole', 'apps')} on engine.example`);
    expect(list.apps.map((a) => a.name)).toEqual(['Calculator', 'Notepad', 'Paint', 'Sneaky', 'Word & Co']);
    expect(asked).toEqual([
      [
        { root: join(dir, 'storage'), dir: join(dir, 'storage', 'porthole', 'apps') },
        { root: join(dir, 'shared'), dir: join(dir, 'shared', '.porthole', 'apps') },
      ],
    ]);
  });

  it('a launch with a file of this computer is refused in plain words, before anything is read or started', async () => {
    const asked: AppsFolderPlace[][] = [];
    await expect(serviceThere(asked).launch('win', '3561ec4a8629', '/home/me/letter.txt')).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^Win runs on engine\.example, the engine's computer: Windows sees its shared/),
    });
    expect(asked).toEqual([]);
  });

  it('a launch finds the program in the list read there and opens it through the forwarded port', async () => {
    await mkdir(join(dir, 'bin'));
    const fake = [
      '#!/bin/sh',
      'if [ "$1" = --version ]; then echo "This is FreeRDP version 3.5.1 (n/a)"; exit 0; fi',
      'for a in "$@"; do printf "%s\\n" "$a"; done > "$FAKE_RECORDS/argv"',
      '/bin/cat > /dev/null',
      '',
    ].join('\n');
    await writeFile(join(dir, 'bin', 'xfreerdp3'), fake);
    await chmod(join(dir, 'bin', 'xfreerdp3'), 0o755);
    const asked: AppsFolderPlace[][] = [];
    const service = serviceThere(asked);
    expect(await service.launch('win', '3561ec4a8629')).toMatchObject({ launched: true });
    let argv = '';
    for (let i = 0; i < 100 && !argv; i++) {
      argv = await readFile(join(dir, 'argv'), 'utf8').catch(() => '');
      if (!argv) await new Promise((r) => setTimeout(r, 20));
    }
    expect(argv.split('\n')[0]).toBe('/v:127.0.0.1:40999');
    expect(argv).toContain('C:\\Windows\\System32\\notepad.exe');
    expect(asked).toHaveLength(1);
    await expect(service.launch('win', 'ffffffffffff')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
