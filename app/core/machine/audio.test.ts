// The machine's sound (docs/audio.md): the setting, the container's AUDIO, and compose export/import/adopt.
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sampleMachine } from '../../api/testing/sample-machine';
import {
  audioOn,
  changedFields,
  changeEffect,
  describeChanges,
  machineChangesSchema,
  machineDraftSchema,
  machineSettingsSchema,
  type MachineSettings,
} from '../../api';
import { toCompose } from './compose-export';
import { fromCompose } from './compose-import';
import { settingsFromDraft, type DraftContext } from './defaults';
import { settingsFromContainer } from './dockur-settings';
import { buildContainerSpec } from './spec';

const INSTANCE = '0123abcdef456789';
const OEM = '/home/ada/.local/share/porthole/oem/win11';

/** A record as written before the setting existed: no `audio` key at all. */
function olderRecord(): MachineSettings {
  const { audio: _audio, ...rest } = sampleMachine();
  return rest;
}

const env = (m: MachineSettings): string[] => buildContainerSpec(m, { oemDir: OEM, instance: INSTANCE }).Env ?? [];

const ctx: DraftContext = {
  id: 'win11',
  host: { ramTotalBytes: 16 * 1024 ** 3, cpuThreads: 8 },
  dataDir: '/home/ada/.local/share/porthole',
  ports: { web: 47001, rdp: 47002 },
  env: { USER: 'ada', LANG: 'en_US.UTF-8' },
};

function composeEnvironment(text: string): Record<string, string> {
  const doc = parse(text) as { services: Record<string, { environment: Record<string, string> }> };
  return doc.services.win11!.environment;
}

describe('the audio setting', () => {
  it('reads a record without it as on, and keeps false as off', () => {
    const older = machineSettingsSchema.parse(olderRecord());
    expect(older.audio).toBeUndefined();
    expect(audioOn(older)).toBe(true);
    expect(audioOn(machineSettingsSchema.parse(sampleMachine({ audio: false })))).toBe(false);
    expect(machineSettingsSchema.safeParse({ ...olderRecord(), audio: 'yes' }).success).toBe(false);
  });

  it('is never filled in by a change or a draft that does not name it (no default turns it back on)', () => {
    expect(machineChangesSchema.parse({ ramGiB: 4 })).toEqual({ ramGiB: 4 });
    expect(machineChangesSchema.parse({ audio: false })).toEqual({ audio: false });
    expect('audio' in machineDraftSchema.parse({ name: 'W' })).toBe(false);
  });

  it('is on for a new machine unless the draft says off', () => {
    expect(settingsFromDraft({ name: 'W' }, ctx).audio).toBe(true);
    expect(settingsFromDraft({ name: 'W', audio: false }, ctx).audio).toBe(false);
  });

  it('gives the container AUDIO=Y when on or absent, AUDIO=N when off', () => {
    expect(env(sampleMachine({ audio: true }))).toContain('AUDIO=Y');
    expect(env(olderRecord())).toContain('AUDIO=Y');
    expect(env(sampleMachine({ audio: false }))).toContain('AUDIO=N');
    expect(env(sampleMachine({ audio: false }))).not.toContain('AUDIO=Y');
    expect(env(olderRecord())).toEqual(env(sampleMachine({ audio: true })));
  });

  it('is a container change (recreate) only when it really changes, and says so in words', () => {
    const before = sampleMachine();
    expect(changeEffect(before, { ...before, audio: false })).toBe('recreate');
    expect(changeEffect(olderRecord(), { ...before, audio: true })).toBe('now');
    expect(changedFields(olderRecord(), sampleMachine({ audio: true }))).toEqual([]);
    expect(changedFields(olderRecord(), sampleMachine({ audio: false }))).toEqual(['audio']);
    expect(describeChanges(before, { ...before, audio: false })).toEqual(['Play the machine’s sound: on → off']);
    expect(describeChanges(sampleMachine({ audio: false }), olderRecord())).toEqual([
      'Play the machine’s sound: off → on',
    ]);
  });
});

describe('compose and the audio setting', () => {
  it('round-trips on and off through export and import', () => {
    for (const audio of [true, false]) {
      const text = toCompose(sampleMachine({ audio }), { oemDir: OEM, instance: INSTANCE });
      expect(composeEnvironment(text).AUDIO).toBe(audio ? 'Y' : 'N');
      const { drafts, warnings } = fromCompose(text);
      expect(warnings.join('\n')).not.toContain('AUDIO');
      expect(drafts[0]!.audio).toBe(audio);
    }
  });

  it('reads the image’s yes and no words, leaves an absent AUDIO to Porthole’s default, and refuses anything else', () => {
    const text = toCompose(sampleMachine(), { oemDir: OEM, instance: INSTANCE });
    expect(fromCompose(text.replace('AUDIO: "Y"', 'AUDIO: "off"')).drafts[0]!.audio).toBe(false);
    expect(fromCompose(text.replace('AUDIO: "Y"', 'AUDIO: "true"')).drafts[0]!.audio).toBe(true);
    const without = fromCompose(text.replace(/^ *AUDIO: "Y"\n/m, ''));
    expect(without.drafts[0]!.audio).toBeUndefined();
    expect(settingsFromDraft({ ...without.drafts[0]!, name: 'W' }, ctx).audio).toBe(true);
    const bad = text.replace('AUDIO: "Y"', 'AUDIO: "loud"');
    expect(() => fromCompose(bad)).toThrow(/AUDIO="loud" is neither yes nor no/);
  });

  it('adopts a hand-made container’s AUDIO', () => {
    const info = (audio: string[]): Docker.ContainerInspectInfo =>
      ({
        Name: '/windows',
        Config: { Image: 'dockurr/windows:6.05', Env: ['VERSION=11', ...audio] },
        Mounts: [{ Type: 'bind', Source: '/home/ada/windows', Destination: '/storage', Mode: '', RW: true }],
        HostConfig: { PortBindings: { '8006/tcp': [{ HostIp: '127.0.0.1', HostPort: '8006' }] } },
      }) as unknown as Docker.ContainerInspectInfo;
    expect(settingsFromContainer(info(['AUDIO=Y'])).draft.audio).toBe(true);
    expect(settingsFromContainer(info(['AUDIO=N'])).draft.audio).toBe(false);
    expect(settingsFromContainer(info([])).draft.audio).toBeUndefined();
    expect(settingsFromContainer(info(['AUDIO=Y'])).warnings.join('\n')).not.toContain('AUDIO');
  });
});
