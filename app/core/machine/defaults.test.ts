import { describe, expect, it } from 'vitest';
import { sampleMachine } from '../../api/testing/sample-machine';
import { PortholeError } from '../../api';
import {
  defaultCpuCores,
  defaultRamGiB,
  defaultUsername,
  generatePassword,
  hostDefaults,
  localeFromEnv,
  newMachineId,
  settingsFromDraft,
  type DraftContext,
} from './defaults';

const GIB = 1024 ** 3;

function ctx(overrides: Partial<DraftContext> = {}): DraftContext {
  return {
    id: 'win11',
    host: { ramTotalBytes: 16 * GIB, cpuThreads: 8 },
    dataDir: '/home/ada/.local/share/porthole',
    ports: { web: 47001, rdp: 47002 },
    env: { USER: 'ada', LANG: 'en_US.UTF-8' },
    ...overrides,
  };
}

describe('generatePassword', () => {
  it('is 20 characters without look-alikes, with upper case, lower case and a digit', () => {
    for (let i = 0; i < 200; i += 1) {
      const password = generatePassword();
      expect(password).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
      expect(password).toMatch(/[A-Z]/);
      expect(password).toMatch(/[a-z]/);
      expect(password).toMatch(/[0-9]/);
    }
  });

  it('differs every time', () => {
    const seen = new Set(Array.from({ length: 500 }, () => generatePassword()));
    expect(seen.size).toBe(500);
  });
});

describe('settingsFromDraft', () => {
  it('takes the image from PORTHOLE_DEFAULT_IMAGE when none is chosen, and a chosen one over it', () => {
    const env = { USER: 'ada', PORTHOLE_DEFAULT_IMAGE: 'registry.local/windows:1' };
    expect(settingsFromDraft({ name: 'W' }, ctx({ env })).image).toBe('registry.local/windows:1');
    expect(settingsFromDraft({ name: 'W', image: 'dockurr/windows:5' }, ctx({ env })).image).toBe('dockurr/windows:5');
  });

  it("never gives a machine the image's well-known password: one without a password gets a generated one", () => {
    const a = settingsFromDraft({ name: 'W' }, ctx());
    const b = settingsFromDraft({ name: 'W' }, ctx());
    expect(a.password).not.toBe('admin');
    expect(a.password).not.toBe(b.password);
    expect(settingsFromDraft({ name: 'W', password: 's3cret' }, ctx()).password).toBe('s3cret');
  });

  it('fills every default from the host', () => {
    const settings = settingsFromDraft({ name: 'Windows 11' }, ctx());
    expect(settings.password).toMatch(/^[A-Za-z0-9]{20}$/);
    // The sample machine is what these defaults make on this host.
    expect(settings).toEqual(sampleMachine({ password: settings.password }));
  });

  it('takes language, region and keyboard from the host', () => {
    const m = settingsFromDraft(
      { name: 'W' },
      ctx({ env: { USER: 'ada', LANG: 'de_CH.UTF-8' }, keyboardLayout: 'ch' }),
    );
    expect(m).toMatchObject({ language: 'de-DE', region: 'de-CH', keyboard: 'de-CH' });
  });

  it('leaves region and keyboard out when they match the language', () => {
    const m = settingsFromDraft({ name: 'W' }, ctx({ env: { LANG: 'de_DE.UTF-8' }, keyboardLayout: 'de' }));
    expect(m.language).toBe('de-DE');
    expect(m).not.toHaveProperty('region');
    expect(m).not.toHaveProperty('keyboard');
  });

  it('keeps the person’s language and normalizes it; the host keyboard still applies', () => {
    const m = settingsFromDraft(
      { name: 'W', language: 'French' },
      ctx({ env: { LANG: 'de_CH.UTF-8' }, keyboardLayout: 'ch' }),
    );
    expect(m).toMatchObject({ language: 'fr-FR', keyboard: 'de-CH' });
    expect(m).not.toHaveProperty('region');
    expect(settingsFromDraft({ name: 'W', language: 'de-AT' }, ctx())).toMatchObject({
      language: 'de-DE',
      region: 'de-AT',
    });
  });

  it('keeps everything the draft says', () => {
    const m = settingsFromDraft(
      {
        name: 'Office',
        version: '10',
        ramGiB: 4,
        cpuCores: 2,
        diskGiB: 40,
        diskFormat: 'qcow2',
        username: 'bob',
        password: 's3cret',
        sharedFolders: [{ hostPath: '/home/ada/Documents', readOnly: true }],
        screen: { width: 1920, height: 1080 },
        autoStart: true,
        kvm: false,
        storageDir: '/srv/vms/office',
      },
      ctx(),
    );
    expect(m).toMatchObject({
      version: '10',
      ramGiB: 4,
      cpuCores: 2,
      diskGiB: 40,
      diskFormat: 'qcow2',
      username: 'bob',
      password: 's3cret',
      sharedFolders: [{ hostPath: '/home/ada/Documents', readOnly: true }],
      screen: { width: 1920, height: 1080 },
      autoStart: true,
      kvm: false,
      storageDir: '/srv/vms/office',
    });
  });

  it('refuses what the image or the host would refuse', () => {
    const attempt = (draft: Parameters<typeof settingsFromDraft>[0]): unknown => {
      try {
        settingsFromDraft(draft, ctx());
        return null;
      } catch (err) {
        return err;
      }
    };
    const err = attempt({ name: 'W', ramGiB: 32, diskGiB: 20, username: 'a@b' });
    expect(err).toBeInstanceOf(PortholeError);
    expect((err as PortholeError).code).toBe('INVALID_ARGUMENT');
    expect((err as PortholeError).message).toMatch(/has 16 GB of memory.*at least 32 GB|cannot contain/);
    expect(attempt({ name: 'W', password: '' })).toBeInstanceOf(PortholeError);
    expect(attempt({ name: '   ' })).not.toBeNull(); // the schema refuses an empty name
  });
});

describe('host-derived defaults', () => {
  it.each([
    [2, 2],
    [4, 2],
    [6, 3],
    [16, 8],
    [64, 8],
    [15.9, 7],
  ])('RAM: host %i GiB -> %i GiB', (hostGiB, expected) => {
    expect(defaultRamGiB(hostGiB * GIB)).toBe(expected);
  });

  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [4, 2],
    [6, 3],
    [8, 4],
    [32, 4],
  ])('CPU: %i threads -> %i cores', (threads, expected) => {
    expect(defaultCpuCores(threads)).toBe(expected);
  });

  it.each([
    [{ USER: 'ada' }, 'ada'],
    [{ LOGNAME: 'bob' }, 'bob'],
    [{ USER: 'root' }, 'Docker'],
    [{}, 'Docker'],
    [{ USER: 'j.doe@corp' }, 'j.doecorp'],
    [{ USER: 'a-very-long-user-name-indeed' }, 'a-very-long-user-nam'],
    [{ USER: 'administrator' }, 'Docker'],
    [{ USER: '...' }, 'Docker'],
    [{ USER: 'name.' }, 'name'],
  ])('username from %j -> %s', (env, expected) => {
    expect(defaultUsername(env)).toBe(expected);
  });

  it('reads language from the messages locale and region from the formats locale', () => {
    expect(localeFromEnv({ LANG: 'en_US.UTF-8', LC_TIME: 'de_CH.UTF-8' })).toEqual({
      language: 'en-US',
      region: 'de-CH',
    });
    expect(localeFromEnv({ LANG: 'en_US.UTF-8', LC_ALL: 'fr_FR.UTF-8' })).toEqual({ language: 'fr-FR' });
    expect(localeFromEnv({ LANG: 'C', LC_MESSAGES: 'C' })).toEqual({ language: 'en-US' });
    expect(localeFromEnv({})).toEqual({ language: 'en-US' });
  });
});

describe('hostDefaults', () => {
  it('gives the wizard the same values settingsFromDraft would use', () => {
    const host = { ramTotalBytes: 16 * GIB, cpuThreads: 8 };
    const env = { USER: 'ada', LANG: 'de_CH.UTF-8' };
    const defaults = hostDefaults({ host, env, keyboardLayout: 'ch' });
    expect(defaults).toEqual({
      language: 'de-DE',
      region: 'de-CH',
      keyboard: 'de-CH',
      username: 'ada',
      ramGiB: 8,
      cpuCores: 4,
      diskGiB: 64,
    });
    expect(settingsFromDraft({ name: 'W' }, ctx({ host, env, keyboardLayout: 'ch' }))).toMatchObject(defaults);
    expect(hostDefaults({ host, env: { LANG: 'de_DE.UTF-8' }, keyboardLayout: 'de' })).not.toHaveProperty('keyboard');
  });
});

describe('newMachineId', () => {
  it.each([
    ['Windows 11', 'windows-11'],
    ['  Büro PC (Work)  ', 'buro-pc-work'],
    ['Straße', 'strasse'],
    ['数据', 'windows'],
    ['---', 'windows'],
    ['A'.repeat(60), 'a'.repeat(40)],
  ])('%j -> %s', (name, id) => {
    expect(newMachineId(name, [])).toBe(id);
  });

  it('stays unique and within 40 characters', () => {
    expect(newMachineId('Windows 11', ['windows-11'])).toBe('windows-11-2');
    expect(newMachineId('Windows 11', ['windows-11', 'windows-11-2'])).toBe('windows-11-3');
    const long = 'a'.repeat(40);
    const id = newMachineId('A'.repeat(60), [long]);
    expect(id).toBe(`${'a'.repeat(38)}-2`);
    expect(id.length).toBeLessThanOrEqual(40);
  });
});
