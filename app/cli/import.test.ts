import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCliHere, throwawayCliConfig } from '../core/testing/cli';
import { rawMessageProblems } from '../core/testing/raw-messages';

const BASIC = join(__dirname, '..', 'core', 'machine', 'fixtures', 'dockur', 'basic.yml');

/**
 * `porthole import compose.yml` as someone coming from dockur runs it: the README's file in its own
 * folder, beside the ./windows folder where the image installed Windows (no engine: the container
 * checks need one and are skipped; the integration test covers them).
 */
describe('porthole import of dockur’s compose file', () => {
  const root = throwawayCliConfig('porthole-cli-import-');
  let project: string;
  beforeEach(async () => {
    project = join(root(), 'dockur');
    await mkdir(join(project, 'windows'), { recursive: true });
    await copyFile(BASIC, join(project, 'compose.yml'));
  });
  const cli = runCliHere;

  it('finds the installed Windows in ./windows beside the file, and marks the machine installed', async () => {
    await writeFile(join(project, 'windows', 'windows.boot'), '');
    await writeFile(join(project, 'windows', 'windows.ver'), 'win11x64\n');
    await writeFile(join(project, 'windows', 'data.img'), '');
    await truncate(join(project, 'windows', 'data.img'), 64 * 1024 ** 3);

    const result = await cli('import', join(project, 'compose.yml'));
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      `Found Windows 11 Pro installed in ${join(project, 'windows')} (64 GB disk): “windows” starts straight into it.`,
    );
    expect(result.out).toContain('restart: always is not carried over');
    const records = JSON.parse(await readFile(join(root(), 'config', 'machines.json'), 'utf8')) as unknown;
    expect(JSON.stringify(records)).toContain(`"storageDir":"${join(project, 'windows')}"`);
    expect(JSON.stringify(records)).toContain('"installed":true');
    // Nothing was made under Porthole's data folder: the Windows is where the person left it.
    expect(await readdir(join(root(), 'data', 'machines')).catch(() => [])).toEqual([]);
  });

  it('from standard input, places ./windows in the current folder and says so', async () => {
    const yaml = await readFile(join(project, 'compose.yml'), 'utf8');
    const stdin = Object.getOwnPropertyDescriptor(process, 'stdin')!;
    Object.defineProperty(process, 'stdin', { value: Readable.from([Buffer.from(yaml)]), configurable: true });
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(project);
    try {
      const result = await cli('import', '-');
      expect(result.code).toBe(0);
      expect(result.out).toContain(
        `Warning: the file came from standard input: its relative paths were taken from the current folder ${project}.`,
      );
      expect(JSON.stringify(JSON.parse(await readFile(join(root(), 'config', 'machines.json'), 'utf8')))).toContain(
        `"storageDir":"${join(project, 'windows')}"`,
      );
    } finally {
      cwd.mockRestore();
      Object.defineProperty(process, 'stdin', stdin);
    }
  });

  it('refuses a file whose Windows disk folder cannot be found, and creates nothing', async () => {
    const yaml = (await readFile(join(project, 'compose.yml'), 'utf8')).replace(
      './windows:/storage',
      'windows-volume:/storage',
    );
    await writeFile(join(project, 'compose.yml'), yaml);
    const result = await cli('import', join(project, 'compose.yml'));
    expect(result.code).toBe(1);
    expect(result.err).toContain('its Windows disk (/storage) is the engine volume "windows-volume"');
    expect(await readFile(join(root(), 'config', 'machines.json'), 'utf8').catch(() => 'none')).toBe('none');
  });
});

describe('porthole import of what is not a compose file', () => {
  const root = throwawayCliConfig('porthole-cli-import-bad-');
  const cli = runCliHere;

  it('a folder, a missing file, a device, a FIFO, a multi-document file and a UTF-16 one: each says what it is, in Porthole’s words', async () => {
    const dir = join(root(), 'files');
    await mkdir(dir, { recursive: true });
    const fifo = join(dir, 'pipe.yml');
    execFileSync('mkfifo', [fifo]);
    await writeFile(join(dir, 'two.yml'), 'services: {}\n---\nservices: {}\n');
    const basic = await readFile(BASIC, 'utf8');
    await writeFile(join(dir, 'utf16.yml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(basic, 'utf16le')]));
    await writeFile(join(dir, 'utf16-no-bom.yml'), Buffer.from(basic, 'utf16le'));
    const cases: Array<[string, RegExp]> = [
      [dir, /is a folder, not a compose file/],
      [join(dir, 'missing.yml'), /There is no file .*missing\.yml/],
      ['/dev/zero', /is not a file \(a device, a pipe or a socket\)/],
      [fifo, /is not a file \(a device, a pipe or a socket\)/],
      [
        join(dir, 'two.yml'),
        /more than one YAML document \(separated by ---\) at line 2, column 1; a compose file is one document/,
      ],
      [join(dir, 'utf16-no-bom.yml'), /not UTF-8 text|not text \(UTF-8 or UTF-16\)/],
    ];
    for (const [path, message] of cases) {
      const result = await cli('import', path);
      expect(result.code, path).toBe(1);
      expect(result.err, path).toMatch(message);
      expect(rawMessageProblems(result.err), path).toEqual([]);
    }
    // A UTF-16 file with its byte-order mark (Notepad's "Unicode") is text: it is read and imported.
    const utf16 = await cli('import', join(dir, 'utf16.yml'));
    expect(utf16.err).toBe('');
    expect(utf16.out).toMatch(/^Imported windows /);
  });
});

/** Issue 26.3 and 26.4: what `porthole import` kept from the user, said now through the CLI (no engine needed). */
describe('porthole import says what it skips and drops', () => {
  const root = throwawayCliConfig('porthole-cli-import-says-');
  const cli = runCliHere;
  const write = async (text: string): Promise<string> => {
    const file = join(root(), 'compose.yml');
    await writeFile(file, text);
    return file;
  };
  const records = async (config = 'config'): Promise<string> =>
    readFile(join(root(), config, 'machines.json'), 'utf8').then(
      (text) => JSON.stringify(JSON.parse(text)),
      () => 'none',
    );

  it('imports Porthole’s own export of a machine made with --image, on another configuration', async () => {
    const made = await cli('create', '--name', 'Mine', '--image', 'localhost/my-windows:1', '--no-kvm', '--json');
    expect(made.code).toBe(0);
    const { id } = JSON.parse(made.out) as { id: string };
    const file = join(root(), 'exported.yml');
    expect((await cli('export', id, '-o', file)).code).toBe(0);
    // Another configuration (another computer, or after the records were lost) reads the file.
    vi.stubEnv('PORTHOLE_CONFIG_DIR', join(root(), 'config-2'));
    const result = await cli('import', file);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Imported Mine \(/);
    expect(result.out).toContain('the image localhost/my-windows:1 is not dockurr/windows');
    expect(await records('config-2')).toContain('"image":"localhost/my-windows:1"');
  });

  it('says why each service was skipped when none is a Windows machine', async () => {
    const result = await cli('import', await write('services:\n  db:\n    image: postgres:16\n  web:\n    build: .\n'));
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'The file has no Windows machine in it. service "db": its image postgres:16 is not dockurr/windows, and nothing in it says it is a Windows machine',
    );
    expect(result.err).toContain('service "web": it has no image; skipped.');
    expect(await records()).toBe('none');
  });

  it('names each setting it drops, and gives the image’s 4 GB where the file sets no RAM_SIZE', async () => {
    const result = await cli(
      'import',
      await write(
        'services:\n  w:\n    image: dockurr/windows:6.05\n    privileged: true\n    network_mode: host\n    devices: ["/dev/kvm", "/dev/sda"]\n    cap_add: [ALL]\n    entrypoint: ["/bin/sh"]\n    shm_size: 2gb\n',
      ),
    );
    expect(result.code).toBe(0);
    for (const said of [
      'Warning: service "w": privileged is not carried over',
      'Warning: service "w": network_mode: host is not carried over',
      'Warning: service "w": the device /dev/sda is not carried over',
      'Warning: service "w": cap_add ALL is not carried over',
      'Warning: service "w": entrypoint is not carried over',
      'Warning: service "w": shm_size is not carried over',
    ]) {
      expect(result.out).toContain(said);
    }
    expect(await records()).toContain('"ramGiB":4');
  });

  it('refuses a hostile PASSWORD (C1, bidi, zero-width), naming the service, the character and where, never the password, and creates nothing', async () => {
    const cases = [
      ['Sup3r\\x9b2JS3cret', 'character 6 is a terminal control character (U+009B)'],
      ['Sup3r\\u202ES3cret', 'character 6 is an invisible text-direction mark (U+202E)'],
      ['\\u2066Sup3rS3cret', 'character 1 is an invisible text-direction mark (U+2066)'],
      ['Sup3r\\u200BS3cret', 'character 6 is an invisible formatting mark (U+200B)'],
      ['Sup3rS3cret\\uFEFF', 'character 12 is an invisible formatting mark (U+FEFF)'],
    ];
    for (const [escaped, where] of cases) {
      const result = await cli(
        'import',
        await write(
          `services:\n  fine:\n    image: dockurr/windows:6.05\n  win:\n    image: dockurr/windows:6.05\n    environment:\n      PASSWORD: "${escaped}"\n`,
        ),
      );
      expect(result.code, where).toBe(1);
      expect(result.err, where).toContain(
        `This compose file cannot be imported: service "win": PASSWORD cannot be kept: A password cannot contain control characters or invisible marks: ${where}.`,
      );
      expect(result.err, where).toContain('Nothing was changed.');
      expect(result.err + result.out, where).not.toMatch(/Sup3r|S3cret|[\u0080-\u009f\u200b\u202e\u2066\ufeff]/);
      expect(await records(), where).toBe('none');
    }
  });

  it('refuses a file of 1,000 services, saying how many and why, and creates nothing', async () => {
    const services = Array.from({ length: 1000 }, (_, i) => `  w${i}:\n    image: dockurr/windows:6.05\n`).join('');
    const result = await cli('import', await write(`services:\n${services}`));
    expect(result.code).toBe(1);
    expect(result.err).toContain('This compose file has 1000 services; Porthole reads files of at most 256');
    expect(await records()).toBe('none');
  });
});
