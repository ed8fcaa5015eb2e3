import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ownsContainer } from '../machine/spec';
import { INSTANCE_FILE, instanceId } from './config-instance-id';

describe('instanceId', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-instance-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is made once, kept 0600, and read back by every later call', async () => {
    const config = join(dir, 'config');
    const id = instanceId(config);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(instanceId(config)).toBe(id);
    expect((await stat(join(config, INSTANCE_FILE))).mode & 0o777).toBe(0o600);
    expect(await readdir(config)).toEqual([INSTANCE_FILE]);
    expect(instanceId(join(dir, 'other'))).not.toBe(id);
  });

  it('is the same for processes that start at once on the same config', async () => {
    const config = join(dir, 'race');
    const runner = join(dir, 'runner.ts');
    await writeFile(
      runner,
      `import { instanceId } from ${JSON.stringify(join(__dirname, 'config-instance-id.ts'))};\nprocess.stdout.write(instanceId(process.argv[2]!));\n`,
    );
    // jiti runs the TypeScript module as it is, in separate processes racing for the file.
    const jiti = join(__dirname, '../../../node_modules/.bin/jiti');
    const one = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const child = spawn(jiti, [runner, config], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      });
    const ids = await Promise.all([one(), one(), one(), one()]);
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toBe(instanceId(config));
    expect(await readdir(config)).toEqual([INSTANCE_FILE]);
    // Four Node processes compiling TypeScript: seconds on a loaded machine.
  }, 60_000);

  it('refuses a damaged id file with what to do, rather than making a new id', async () => {
    const config = join(dir, 'damaged');
    instanceId(config);
    await writeFile(join(config, INSTANCE_FILE), 'not an id\n');
    expect(() => instanceId(config)).toThrow(/does not hold a Porthole instance id/);
  });
});

describe('ownsContainer', () => {
  const OURS = '0123abcdef456789';
  const THEIRS = 'fedcba9876543210';
  const facts = (labels: Record<string, string>, storageSource?: string) => ({ labels, storageSource });

  it('takes this configuration’s containers of the machine, never another configuration’s', () => {
    expect(
      ownsContainer(facts({ 'io.porthole.machine': 'win11', 'io.porthole.instance': OURS }, '/x'), OURS, 'win11', '/a'),
    ).toBe(true);
    expect(
      ownsContainer(
        facts({ 'io.porthole.machine': 'win11', 'io.porthole.instance': THEIRS }, '/a'),
        OURS,
        'win11',
        '/a',
      ),
    ).toBe(false);
    expect(
      ownsContainer(facts({ 'io.porthole.machine': 'other', 'io.porthole.instance': OURS }, '/a'), OURS, 'win11', '/a'),
    ).toBe(false);
  });

  it('takes a container made before instances existed only when its /storage is the machine’s folder', () => {
    expect(
      ownsContainer(facts({ 'io.porthole.machine': 'win11' }, '/home/ada/win11'), OURS, 'win11', '/home/ada/win11/'),
    ).toBe(true);
    expect(
      ownsContainer(facts({ 'io.porthole.machine': 'win11' }, '/home/bob/win11'), OURS, 'win11', '/home/ada/win11'),
    ).toBe(false);
    expect(ownsContainer(facts({ 'io.porthole.machine': 'win11' }), OURS, 'win11', '/home/ada/win11')).toBe(false);
  });

  it('takes only a container made for this record: a machine made again under the same id has another nonce', () => {
    const made = (nonce?: string) =>
      facts(
        {
          'io.porthole.machine': 'win11',
          'io.porthole.instance': OURS,
          ...(nonce ? { 'io.porthole.record': nonce } : {}),
        },
        '/a',
      );
    expect(ownsContainer(made('n1'), OURS, 'win11', '/a', 'n1')).toBe(true);
    expect(ownsContainer(made('n1'), OURS, 'win11', '/a', 'n2')).toBe(false);
    // A container of a record made before nonces existed is not a new record's; an old record keeps its own.
    expect(ownsContainer(made(), OURS, 'win11', '/a', 'n2')).toBe(false);
    expect(ownsContainer(made(), OURS, 'win11', '/a')).toBe(true);
    expect(ownsContainer(made('n1'), OURS, 'win11', '/a')).toBe(false);
  });
});
