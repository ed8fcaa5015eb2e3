import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromEnvelope, type ActionName, type ActionRequest, type ActionResponse } from '../../api';
import { createBackend, type Backend } from '../backend';

/**
 * Issue 22, items 1, 11 and 12, through the backend's invoke (what the IPC, the web host and the CLI
 * call): a real backend on temp folders, a temp HOME, the engine a dead socket (create needs none).
 */
describe('what createMachine accepts as storage and shared folders', () => {
  let root: string;
  let home: string;
  let backend: Backend;
  let socket: Server;
  const call = async <K extends ActionName>(action: K, request: ActionRequest<K>): Promise<ActionResponse<K>> => {
    const result = await backend.invoke(action, request);
    if (!result.ok) throw fromEnvelope(result.error);
    return result.value as ActionResponse<K>;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-create-guards-'));
    home = join(root, 'home');
    await mkdir(join(home, '.ssh'), { recursive: true });
    await mkdir(join(home, '.config', 'autostart'), { recursive: true });
    await writeFile(join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA me\n');
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        DOCKER_HOST: `unix://${join(root, 'no-engine.sock')}`,
      },
      watch: false,
    });
    socket = createServer();
    await new Promise<void>((done) => socket.listen(join(root, 'a.sock'), done));
  });
  afterAll(async () => {
    await backend.dispose();
    await new Promise((done) => socket.close(done));
    await rm(root, { recursive: true, force: true });
  });

  it('item 1: a folder that is not empty is accepted with a warning, and what it held is never in the delete plan', async () => {
    const storageDir = join(home, 'thesis');
    await mkdir(join(storageDir, 'backups'), { recursive: true });
    await mkdir(join(storageDir, 'tmp'));
    await writeFile(join(storageDir, 'backups', 'thesis-backup.docx'), 'years of work');
    await writeFile(join(storageDir, 'tmp', 'draft.txt'), 'a draft');
    const machine = await call('createMachine', { name: 'Thesis', storageDir });
    expect(machine.warnings).toEqual([
      expect.stringMatching(
        /^The storage folder .*thesis already holds files \(backups, tmp\)\. They stay where they are, and deleting the machine’s disk never removes them/,
      ),
    ]);
    // The image ran meanwhile: its disk and a tmp/ item appear; only the disk is planned.
    await writeFile(join(storageDir, 'data.img'), 'disk');
    await writeFile(join(storageDir, 'tmp', 'win11x64.iso'), 'iso');
    const plan = await call('storageUsage', { id: machine.id });
    expect(plan).toMatchObject({ kind: 'files', remove: ['data.img'], keep: ['backups', 'tmp'] });
    // The list says nothing of it afterwards: the warning belongs to the create.
    expect((await call('getMachine', { id: machine.id })).warnings).toBeUndefined();
    // An empty folder, or one Porthole makes, gets no warning.
    await mkdir(join(home, 'empty'));
    expect((await call('createMachine', { name: 'Empty', storageDir: join(home, 'empty') })).warnings).toBeUndefined();
    expect((await call('createMachine', { name: 'Default' })).warnings).toBeUndefined();
  });

  it('item 11: a read-write share of ~/.ssh or ~/.config is refused; read-only is made with a warning', async () => {
    for (const hostPath of [join(home, '.ssh'), join(home, '.config', 'autostart')]) {
      await expect(
        call('createMachine', { name: 'Planter', sharedFolders: [{ hostPath, readOnly: false }] }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/as the read-write shared folder: it is, holds or lies inside .*, which holds/),
        remedy: 'Share it read-only, or share another folder.',
      });
    }
    expect((await call('listMachines', {})).map((m) => m.name)).not.toContain('Planter');
    const reader = await call('createMachine', {
      name: 'Reader',
      sharedFolders: [{ hostPath: join(home, '.ssh'), readOnly: true }],
    });
    expect(reader.warnings).toEqual([
      expect.stringMatching(/^Windows can read the shared folder .*\.ssh: .*your ssh keys.*read-only\.$/),
    ]);
    // Changing it to read-write later is refused too.
    await expect(
      call('updateMachine', {
        id: reader.id,
        changes: { sharedFolders: [{ hostPath: join(home, '.ssh'), readOnly: false }] },
      }),
    ).rejects.toThrow(/read-write shared folder/);
  });

  it('item 12: a file, a FIFO, a dangling symlink or a socket is refused as storage or shared folder at create', async () => {
    await writeFile(join(root, 'a-file'), 'x');
    await promisify(execFile)('mkfifo', [join(root, 'a-fifo')]);
    await symlink(join(root, 'nowhere'), join(root, 'dangling'));
    for (const name of ['a-file', 'a-fifo', 'a.sock', 'dangling']) {
      const path = join(root, name);
      const said = name === 'dangling' ? /does not exist/ : /is a file, not a folder/;
      await expect(call('createMachine', { name: `Storage ${name}`, storageDir: path })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(said),
      });
      await expect(
        call('createMachine', { name: `Share ${name}`, sharedFolders: [{ hostPath: path, readOnly: false }] }),
      ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(said) });
    }
    const names = (await call('listMachines', {})).map((m) => m.name);
    expect(names.filter((n) => n.startsWith('Storage ') || n.startsWith('Share '))).toEqual([]);
    // Nothing was made in their place, and the file is untouched.
    expect(await readFile(join(root, 'a-file'), 'utf8')).toBe('x');
    expect(await stat(join(root, 'nowhere')).catch(() => null)).toBeNull();
    // No machine folder was left behind for the refused shares.
    expect((await readdir(join(root, 'data', 'machines'))).filter((d) => d.startsWith('share-'))).toEqual([]);
  });

  it('issue 26 item 9: Porthole’s log folder, ~/.ssh and ~/.config are refused as storage too (the image writes it as root)', async () => {
    for (const storageDir of [
      join(home, '.local', 'state', 'porthole'),
      join(home, '.ssh'),
      join(home, '.config', 'vm'),
    ]) {
      await expect(call('createMachine', { name: `Sensitive ${storageDir.length}`, storageDir })).rejects.toMatchObject(
        {
          code: 'INVALID_ARGUMENT',
          message: expect.stringMatching(/as the storage folder: it is, holds or lies inside .* which holds /),
        },
      );
    }
    expect((await call('listMachines', {})).filter((m) => m.name.startsWith('Sensitive '))).toEqual([]);
  });
});
