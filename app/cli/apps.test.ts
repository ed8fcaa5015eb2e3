import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppList } from '../api';
import { runCliHere as cli, throwawayCliConfig } from '../core/testing/cli';
import { appsList, fakePng, HOST_SECRET, writeAppsFolder } from '../core/testing/hostile-apps';

const BASIC = join(__dirname, '..', 'core', 'machine', 'fixtures', 'dockur', 'basic.yml');

/**
 * `porthole apps` on a folder a hostile Windows wrote (issue 22): the real backend the CLI makes (no engine:
 * listing programs needs none), the machine imported from dockur's compose file with a shared folder.
 */
describe('porthole apps on a hostile apps folder', () => {
  const root = throwawayCliConfig('porthole-cli-apps-');
  let shared: string;
  let apps: string;
  beforeEach(async () => {
    const project = join(root(), 'dockur');
    shared = join(project, 'shared');
    await mkdir(join(project, 'windows'), { recursive: true });
    await mkdir(shared);
    const yaml = (await readFile(BASIC, 'utf8')).replace(
      '      - ./windows:/storage\n',
      '      - ./windows:/storage\n      - ./shared:/shared\n',
    );
    await writeFile(join(project, 'compose.yml'), yaml);
    const imported = await cli('import', join(project, 'compose.yml'));
    expect(imported.code).toBe(0);
    apps = join(shared, '.porthole', 'apps');
    await writeFile(join(root(), 'shadow'), `${HOST_SECRET}\n`);
  });

  it('12,000 programs naming one 262 KB icon: lists the first 2,000, the output bounded, and says so', async () => {
    await writeAppsFolder(
      shared,
      appsList(12_000, () => 'ffffffffffff.png'),
    );
    await writeFile(join(apps, 'icons', 'ffffffffffff.png'), fakePng(262_000));
    const started = Date.now();
    const listed = await cli('apps', 'windows', '--json');
    expect(listed.err).toBe('');
    expect(listed.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(listed.out.length).toBeLessThan(16 * 1024 * 1024);
    const list = JSON.parse(listed.out) as AppList;
    expect(list.apps).toHaveLength(2000);
    expect(list.warnings[0]).toBe('Windows lists 12000 entries; only the first 2000 are read.');
    const human = await cli('apps', 'windows');
    expect(human.code).toBe(0);
    expect(human.out).toContain('Warning: 1968 programs are shown without their icon');
  });

  it('apps.json that is a FIFO: says it cannot be read, at once (never waits for a writer)', async () => {
    await mkdir(apps, { recursive: true });
    execFileSync('mkfifo', [join(apps, 'apps.json')]);
    const listed = await cli('apps', 'windows');
    expect(listed.code).toBe(1);
    expect(listed.out).toBe(
      `The program list in ${apps} cannot be read.\nWarning: apps.json is a named pipe, not a file.\n`,
    );
  });

  it('apps.json linked to /dev/zero or to a host file: refused, nothing of the file shown', async () => {
    await mkdir(apps, { recursive: true });
    await symlink('/dev/zero', join(apps, 'apps.json'));
    const zero = await cli('apps', 'windows');
    expect(zero.code).toBe(1);
    expect(zero.out).toContain(
      'Warning: apps.json is a symbolic link; Porthole does not follow links out of the folder.',
    );
    await rm(join(apps, 'apps.json'));
    await symlink(join(root(), 'shadow'), join(apps, 'apps.json'));
    const shadow = await cli('apps', 'windows', '--json');
    expect(shadow.code).toBe(1);
    expect(shadow.out + shadow.err).not.toContain('HOSTSECRET');
  });

  it('an icon linked to a host PNG is neither shown nor put in the app menu', async () => {
    await writeAppsFolder(
      shared,
      appsList(1, () => 'ffffffffffff.png'),
    );
    await writeFile(join(root(), 'host.png'), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
    await symlink(join(root(), 'host.png'), join(apps, 'icons', 'ffffffffffff.png'));
    const listed = await cli('apps', 'windows', '--json');
    expect((JSON.parse(listed.out) as AppList).apps[0]?.icon).toBeNull();
    expect(listed.out).not.toContain(Buffer.from(HOST_SECRET).toString('base64').slice(0, 20));
  });
});
