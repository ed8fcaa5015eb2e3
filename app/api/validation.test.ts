import { sampleMachine } from './testing/sample-machine';
import { describe, expect, it } from 'vitest';
import type { MachineSettings } from './machine';
import { systemFolderReason } from './host-paths';
import {
  normalizeHostPath,
  validateCpu,
  validateCulture,
  validateDisk,
  validateDiskChange,
  validateFreeSpace,
  validateHostPath,
  validateIsoPath,
  validateLanguage,
  validateMachine,
  validateMachineName,
  validatePassword,
  validatePorts,
  validateRam,
  validateScreen,
  validateSharedFolders,
  validateStorageDir,
  validateUsername,
  validateVersion,
} from './validation';

const GIB = 1024 ** 3;
const host = { ramTotalBytes: 16 * GIB, cpuThreads: 8 };

describe('machine name', () => {
  it.each([
    ['', /Give the machine a name/],
    ['   ', /Give the machine a name/],
    ['x'.repeat(65), /at most 64/],
    ['two\nlines', /line break \(U\+000A\)/],
    ['tab\there', /control character \(U\+0009\)/],
    ['next\u0085line', /line break \(U\+0085\)/],
    ['evil\u202etxt.exe', /invisible character \(U\+202E\)/],
  ])('refuses %j', (name, message) => {
    expect(validateMachineName(name)).toMatch(message);
  });

  it('refuses a name another machine has, whatever the case and spaces', () => {
    expect(validateMachineName(' windows 11 ', ['Windows 11'])).toMatch(/already called/);
  });

  it('refuses “Café” in NFD when “Café” in NFC is taken, and in other cases or compatibility forms', () => {
    expect(validateMachineName('Cafe\u0301', ['Caf\u00e9'])).toBe(
      'Another machine is already called “Café”. Choose a different name.',
    );
    expect(validateMachineName('CAFÉ', ['Cafe\u0301'])).toMatch(/already called “CAFÉ”/);
    expect(validateMachineName('Ｗｏｒｋ', ['work'])).toMatch(/already called/);
  });

  it.each(['Windows 11', 'Büro-PC', 'x'.repeat(64), '  padded  '])('accepts %j', (name) => {
    expect(validateMachineName(name, ['Other'])).toBeNull();
  });
});

describe('username (Windows local account rules)', () => {
  it.each([
    ['', /Choose a user name/],
    ['abcdefghijklmnopqrstu', /at most 20/],
    ['a"b', /cannot contain “"”/],
    ['a/b', /cannot contain/],
    ['a\\b', /cannot contain/],
    ['a[b', /cannot contain/],
    ['a]b', /cannot contain/],
    ['a:b', /cannot contain/],
    ['a;b', /cannot contain/],
    ['a|b', /cannot contain/],
    ['a=b', /cannot contain/],
    ['a,b', /cannot contain/],
    ['a+b', /cannot contain/],
    ['a*b', /cannot contain/],
    ['a?b', /cannot contain/],
    ['a<b', /cannot contain/],
    ['a>b', /cannot contain/],
    ['a@b', /cannot contain/],
    ['a%b', /cannot contain/],
    ['...', /only of dots and spaces/],
    [' . ', /only of dots and spaces/],
    ['ada.', /cannot end with a dot/],
    [' ada', /start or end with a space/],
    ['ada\u0007', /control characters/],
    ['Administrator', /built-in Windows account/],
    ['guest', /built-in Windows account/],
    ['NONE', /built-in Windows account/],
  ])('refuses %j', (username, message) => {
    expect(validateUsername(username)).toMatch(message);
  });

  it.each(['Docker', 'ada', 'Ada Lovelace', 'jean-luc', "o'brien", 'x'.repeat(20), 'Jürgen', 'a.b'])(
    'accepts %j',
    (username) => {
      expect(validateUsername(username)).toBeNull();
    },
  );
});

describe('password', () => {
  it.each([
    ['', /Choose a password/],
    ['x'.repeat(128), /at most 127/],
    ['line\nbreak', /control characters/],
  ])('refuses %j', (password, message) => {
    expect(validatePassword(password)).toMatch(message);
  });

  it.each(['admin', 'x'.repeat(127), 'with spaces & <xml> "quotes"', 'ünïcödé'])('accepts %j', (password) => {
    expect(validatePassword(password)).toBeNull();
  });

  it.each([
    ['pass\u009b31mword', 'character 5 is a terminal control character (U+009B)'],
    ['pass\u0085word', 'character 5 is a line break (U+0085)'],
    ['abcd\u202Eefg', 'character 5 is an invisible text-direction mark (U+202E)'],
    ['\u2066abc', 'character 1 is an invisible text-direction mark (U+2066)'],
    ['ab\u200Fc', 'character 3 is an invisible text-direction mark (U+200F)'],
    ['ab\u061Cc', 'character 3 is an invisible text-direction mark (U+061C)'],
    ['ab\u200Bc', 'character 3 is an invisible formatting mark (U+200B)'],
    ['ab\u200Dc', 'character 3 is an invisible formatting mark (U+200D)'],
    ['ab\u2060c', 'character 3 is an invisible formatting mark (U+2060)'],
    ['\uFEFFadmin', 'character 1 is an invisible formatting mark (U+FEFF)'],
    ['ab\u2028c', 'character 3 is a line break (U+2028)'],
    ['ab\uD800c', 'character 3 is half of a character (a lone surrogate) (U+D800)'],
    ['ab\u007fc', 'character 3 is a control character (U+007F)'],
    // Counted in characters as a person counts them: the emoji before it is one.
    ['😀\u202E', 'character 2 is an invisible text-direction mark (U+202E)'],
  ])('refuses %j, naming the character and where it is', (password, where) => {
    expect(validatePassword(password)).toBe(
      `A password cannot contain control characters or invisible marks: ${where}. Use characters that can be seen and typed.`,
    );
  });

  it.each(['пароль-Straße', '密码🔑', 'مرحبا123', 'family 👩\u200D💻 ok', 'thumbs 👍🏽\u200D🔥', '\u00A0nbsp'])(
    'accepts printable Unicode %j (a joiner inside an emoji is part of it)',
    (password) => {
      expect(validatePassword(password)).toBeNull();
    },
  );
});

describe('version, language, region, keyboard', () => {
  it.each([
    ['', /Choose a Windows version/],
    ['12', /does not know the Windows version “12”/],
    ['https://', /not a complete web address/],
  ])('refuses version %j', (version, message) => {
    expect(validateVersion(version)).toMatch(message);
  });

  it.each(['11', '2022', 'tiny11', 'Windows 10', 'https://example.com/x.iso'])('accepts version %j', (version) => {
    expect(validateVersion(version)).toBeNull();
  });

  it('checks languages and cultures', () => {
    expect(validateLanguage('')).toMatch(/Choose a language/);
    expect(validateLanguage('Klingon')).toMatch(/not published/);
    expect(validateLanguage('German')).toBeNull();
    expect(validateCulture(undefined, 'region')).toBeNull();
    expect(validateCulture('', 'keyboard')).toBeNull();
    expect(validateCulture('de-CH', 'region')).toBeNull();
    expect(validateCulture('sr-Latn-RS', 'region')).toBeNull();
    expect(validateCulture('de_CH', 'region')).toMatch(/culture name/);
    expect(validateCulture('swiss', 'keyboard')).toMatch(/not a keyboard/);
  });
});

describe('resources', () => {
  it.each([
    [0, /whole number/],
    [2.5, /whole number/],
    [-4, /whole number/],
    [1, /Windows 11 Pro needs at least 2 GB/],
    [17, /has 16 GB of memory/],
  ])('refuses RAM %j GB for Windows 11 on a 16 GB host', (ram, message) => {
    expect(validateRam(ram, host, '11')).toMatch(message);
  });

  it('accepts RAM within limits, relaxes for old versions and custom ISOs, skips unknown hosts', () => {
    expect(validateRam(16, host, '11')).toBeNull();
    expect(validateRam(1, host, 'xp')).toBeNull();
    expect(validateRam(1, host, '11', '/isos/linux.iso')).toBeNull();
    expect(validateRam(64, undefined, '11')).toBeNull();
    expect(validateRam(64, { ramTotalBytes: 0, cpuThreads: 0 }, '11')).toBeNull();
  });

  it.each([
    [0, /whole number/],
    [1.5, /whole number/],
    [9, /has 8 processor threads/],
  ])('refuses %j cores on an 8-thread host', (cores, message) => {
    expect(validateCpu(cores, host)).toMatch(message);
  });

  it('accepts cores within limits', () => {
    expect(validateCpu(8, host)).toBeNull();
    expect(validateCpu(1, host)).toBeNull();
  });

  it.each([
    [31, '11', /needs a disk of at least 32 GB/],
    [31, '2022', /at least 32 GB/],
    [15, '10', /at least 16 GB/],
    [0, '11', /whole number/],
    [64.5, '11', /whole number/],
    [70000, '11', /at most 65536/],
  ])('refuses a %j GB disk for %s', (disk, version, message) => {
    expect(validateDisk(disk, version)).toMatch(message);
  });

  it('accepts disks at the minimum, and small ones for a custom ISO', () => {
    expect(validateDisk(32, '11')).toBeNull();
    expect(validateDisk(16, '10')).toBeNull();
    expect(validateDisk(2, 'xp')).toBeNull();
    expect(validateDisk(4, '11', '/isos/tool.iso')).toBeNull();
  });

  it('lets a disk grow, never shrink', () => {
    expect(validateDiskChange(64, 63)).toMatch(/cannot shrink: it is 64 GB/);
    expect(validateDiskChange(64, 64)).toBeNull();
    expect(validateDiskChange(64, 128)).toBeNull();
  });

  it('warns when the storage filesystem is too full', () => {
    expect(validateFreeSpace(5 * 1_000_000_000, '11')).toMatch(/Only 5 GB is free/);
    expect(validateFreeSpace(500 * 1_000_000_000, '11')).toBeNull();
    expect(validateFreeSpace(null, '11')).toBeNull();
  });

  it.each([
    [639, 480],
    [640, 479],
    [7681, 4320],
    [1280.5, 720],
  ])('refuses a %ix%i screen', (width, height) => {
    expect(validateScreen(width, height)).not.toBeNull();
  });
});

describe('paths', () => {
  it('normalizes textually', () => {
    expect(normalizeHostPath('/a/./b//c/../d/')).toBe('/a/b/d');
    expect(normalizeHostPath('/../..')).toBe('/');
  });

  it.each([
    ['', /Choose the shared folder/],
    ['relative/dir', /full path/],
    ['~/Documents', /full path/],
    ['/with:colon', /colon/],
    ['/with\nnewline', /control characters/],
  ])('refuses host path %j', (path, message) => {
    expect(validateHostPath(path, 'shared folder')).toMatch(message);
  });

  it('checks the storage folder and custom ISO paths', () => {
    expect(validateStorageDir('/')).toMatch(/not the whole computer/);
    expect(validateStorageDir('/srv/vms/win')).toBeNull();
    expect(validateIsoPath(null)).toBeNull();
    expect(validateIsoPath('/isos/a:b.iso')).toMatch(/colon/);
  });

  const storage = '/home/ada/.local/share/porthole/machines/win11';
  const rw = (hostPath: string): { hostPath: string; readOnly: boolean } => ({ hostPath, readOnly: false });

  it.each([
    [[rw('/a'), rw('/b'), rw('/c'), rw('/d')], /at most three/],
    [[rw('docs')], /full path/],
    [[rw('/')], /not the whole computer/],
    [[rw('/proc')], /system folder/],
    [[rw('/sys/fs')], /system folder/],
    [[rw('/dev')], /system folder/],
    [[rw('/etc')], /system folder/],
    [[rw('/usr/share')], /inside the system folder \/usr/],
    [[rw('/var/lib/docker/volumes')], /inside the system folder \/var\/lib\/docker/],
    [[rw('/home')], /holds other folders/],
    [[rw('/tmp')], /holds other folders/],
    [[rw('/root/Documents')], /administrator/],
    [[rw(storage)], /holds this machine's Windows disk/],
    [[rw(`${storage}/`)], /holds this machine's Windows disk/],
    [[rw(`${storage}/sub`)], /holds this machine's Windows disk/],
    [[rw('/home/ada/Docs'), rw('/home/ada/Docs/')], /shared twice/],
    [[rw('/home/ada/Docs'), { hostPath: '/home/ada/./Docs', readOnly: true }], /shared twice/],
    [[rw('/mnt/a:b')], /colon/],
  ])('refuses shared folders %j', (folders, message) => {
    expect(validateSharedFolders(folders, storage)).toMatch(message);
  });

  it('accepts up to three distinct folders, including a parent of the storage folder', () => {
    expect(validateSharedFolders([], storage)).toBeNull();
    expect(
      validateSharedFolders(
        [rw('/home/ada'), rw('/mnt/media'), rw('/home/ada/.local/share/porthole/machines/other')],
        storage,
      ),
    ).toBeNull();
    expect(validateSharedFolders([rw('/home/ada/Documents2')], '/home/ada/Documents')).toBeNull();
  });
});

describe('ports', () => {
  it.each([
    [{ web: 80, rdp: 47002 }, [], /1024 to 65535/],
    [{ web: 47001, rdp: 70000 }, [], /1024 to 65535/],
    [{ web: 47001.5, rdp: 47002 }, [], /1024 to 65535/],
    [{ web: 47001, rdp: 47001 }, [], /must differ/],
    [{ web: 47001, rdp: 47002 }, [47002], /47002 is already used/],
  ])('refuses %j with %j taken', (ports, taken, message) => {
    expect(validatePorts(ports, taken)).toMatch(message);
  });

  it('accepts free, distinct ports', () => {
    expect(validatePorts({ web: 47001, rdp: 47002 }, [47003])).toBeNull();
  });
});

describe('validateMachine', () => {
  const good: MachineSettings = sampleMachine();

  it('finds nothing wrong with good settings', () => {
    expect(validateMachine(good, { host, otherNames: ['Other'], takenPorts: [47003] })).toEqual([]);
  });

  it('names each field at fault', () => {
    const bad = {
      ...good,
      name: '',
      username: 'a@b',
      password: '',
      ramGiB: 64,
      diskGiB: 16,
      language: 'Klingon',
      region: 'swiss',
    };
    expect(validateMachine(bad, { host }).map((issue) => issue.field)).toEqual([
      'name',
      'language',
      'region',
      'username',
      'password',
      'ramGiB',
      'diskGiB',
    ]);
  });

  it('ignores the version when a custom ISO is set', () => {
    expect(validateMachine({ ...good, version: 'whatever', customIso: '/isos/x.iso', diskGiB: 8 }, { host })).toEqual(
      [],
    );
  });
});

describe('systemFolderReason (the text rule the backend applies after resolving symlinks)', () => {
  it.each([
    '/mnt/disk/vms',
    '/tmp/test',
    '/home/ada/vms',
    '/media/usb/share',
    '/run/media/ada/USB/vms',
    '/opt/vms/win',
    '/srv/share',
  ])('allows %s', (path) => {
    expect(systemFolderReason(path)).toBeNull();
  });
  it('allows /root/... only when /root is the home folder', () => {
    expect(systemFolderReason('/root/vms')).toMatch(/administrator/);
    expect(systemFolderReason('/root/vms', '/root')).toBeNull();
  });
  it('refuses a storage folder in a system folder', () => {
    expect(validateStorageDir('/etc/porthole/vm')).toMatch(/inside the system folder \/etc/);
    expect(validateStorageDir('/mnt')).toMatch(/holds other folders/);
  });
});
