// `porthole create --no-audio` and `porthole set ID --audio on|off` (docs/audio.md).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MachineView } from '../api';
import { runCliHere as cli, throwawayCliConfig } from '../core/testing/cli';
import { parseOnOff } from './verbs/set';

describe('the sound options (parsing)', () => {
  it('takes on or off, in any case, and refuses anything else', () => {
    expect(parseOnOff('on', '--audio')).toBe(true);
    expect(parseOnOff('OFF', '--audio')).toBe(false);
    for (const text of ['', 'yes', 'Y', '1', 'loud'])
      expect(() => parseOnOff(text, '--audio')).toThrow(`--audio takes on or off, not "${text}".`);
  });
});

describe('the sound options (the CLI, real backend without an engine)', () => {
  const root = throwawayCliConfig('porthole-cli-audio-');
  const machineFile = (): Promise<string> => readFile(join(root(), 'config', 'machines.json'), 'utf8');
  const view = async (id: string): Promise<MachineView> =>
    (JSON.parse((await cli('machines', '--json')).out) as MachineView[]).find((m) => m.id === id)!;
  const create = async (...args: string[]): Promise<string> => {
    const made = await cli('create', '--ram', '4', '--disk', '64', '--json', ...args);
    expect(made.code).toBe(0);
    return (JSON.parse(made.out) as { id: string }).id;
  };

  it('creates a machine with its sound on, or off with --no-audio', async () => {
    expect((await view(await create('--name', 'Loud'))).audio).toBe(true);
    expect((await view(await create('--name', 'Quiet', '--no-audio'))).audio).toBe(false);
  });

  it('turns the sound off and on with set --audio, saying so, and refuses another word changing nothing', async () => {
    const id = await create('--name', 'Office');
    const off = await cli('set', id, '--audio', 'off');
    expect(off.err).toBe('');
    expect(off.code).toBe(0);
    expect(off.out).toContain(`Changed Office (${id}):\n  Play the machine’s sound: on → off\n`);
    expect(off.out).toContain('applies at its next start');
    expect((await view(id)).audio).toBe(false);

    const same = await cli('set', id, '--audio', 'off');
    expect(same.out).toBe(`Nothing to change: Office (${id}) already has these settings.\n`);

    const before = await machineFile();
    const wrong = await cli('set', id, '--audio', 'loud');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('--audio takes on or off, not "loud".');
    expect(await machineFile()).toBe(before);

    const on = await cli('set', id, '--audio', 'on', '--json');
    expect(on.code).toBe(0);
    expect((JSON.parse(on.out) as { changes: string[] }).changes).toEqual(['Play the machine’s sound: off → on']);
    expect((await view(id)).audio).toBe(true);
  });
});

describe('porthole screen names the sound address with the screen’s (real backend without an engine)', () => {
  throwawayCliConfig('porthole-cli-screen-');
  const create = async (...args: string[]): Promise<string> => {
    const made = await cli('create', '--ram', '4', '--disk', '64', '--json', ...args);
    expect(made.code).toBe(0);
    return (JSON.parse(made.out) as { id: string }).id;
  };

  it('prints the sound address on its own line when the sound is on, the same one --json gives, and none when off', async () => {
    const id = await create('--name', 'Loud');
    const json = JSON.parse((await cli('screen', id, '--json')).out) as { url: string; audio?: string };
    expect(json.audio).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/audio$/);
    const plain = await cli('screen', id);
    expect(plain).toEqual({ code: 0, out: `${json.url}\nSound: ${json.audio}\n`, err: '' });

    const quiet = await create('--name', 'Quiet', '--no-audio');
    const silent = JSON.parse((await cli('screen', quiet, '--json')).out) as { url: string; audio?: string };
    expect(silent.audio).toBeUndefined();
    expect(await cli('screen', quiet)).toEqual({ code: 0, out: `${silent.url}\n`, err: '' });
    // Turned on again: said again.
    expect((await cli('set', quiet, '--audio', 'on')).code).toBe(0);
    expect((await cli('screen', quiet)).out).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/websockify\nSound: ws:\/\/127\.0\.0\.1:\d+\/audio\n$/,
    );
  });
});
