import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineSettings } from '../../api';
import { writeSecretFile } from '../../cli/secret-file';
import { toCompose } from './compose-export';
import { composeCommand } from '../testing/compose-command';

const exec = promisify(execFile);
const image = inject('standinImage');

/**
 * What compose itself makes of an exported file: the container it runs gets exactly the password
 * Porthole stores, `$` and all, never a variable of the shell running compose.
 */
describe('an exported compose file, read by compose itself', () => {
  let root: string;
  let compose: string[];
  /** Any of the files: `down` removes the project's network that `run` made. */
  let lastFile: string | undefined;
  const project = `porthole-compose-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    compose = await composeCommand();
    root = await mkdtemp(join(tmpdir(), 'porthole-compose-'));
  });
  afterAll(async () => {
    if (lastFile)
      await exec(compose[0]!, [...compose.slice(1), '-p', project, '-f', lastFile, 'down']).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it.each([
    'Pa$HOME',
    '$$',
    'a$$b$',
    '${HOME}',
    `quotes " and ' both`,
    'hash # not a comment',
    '  leading and trailing  ',
    'ünïcødé 密码 🔑',
  ])('gives the container the password %j exactly', async (password) => {
    const dir = join(root, String(Math.random()).slice(2, 10));
    await mkdir(join(dir, 'storage'), { recursive: true });
    await mkdir(join(dir, 'oem'));
    const machine: MachineSettings = {
      id: 'win11',
      name: 'Windows 11',
      image,
      version: '11',
      language: 'en-US',
      username: 'ada',
      password,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      diskFormat: 'raw',
      sharedFolders: [],
      customIso: null,
      screen: { width: 1280, height: 720 },
      storageDir: join(dir, 'storage'),
      ports: { web: 47001, rdp: 47002 },
      autoStart: false,
      kvm: false,
    };
    const file = join(dir, 'compose.yml');
    await writeSecretFile(file, toCompose(machine, { oemDir: join(dir, 'oem'), instance: '0123abcdef456789' }), false);
    lastFile = file;
    // The shell running compose has variables the password's text could name: none may leak in.
    const env = { ...process.env, HOME: '/leaked/home', Q: 'leaked' };
    const { stdout } = await exec(
      compose[0]!,
      [
        ...compose.slice(1),
        '-p',
        project,
        '-f',
        file,
        'run',
        '--rm',
        '--no-deps',
        '-T',
        '--entrypoint',
        'printenv',
        'win11',
        'PASSWORD',
      ],
      { env },
    );
    expect(stdout).toBe(`${password}\n`);
  });
});
