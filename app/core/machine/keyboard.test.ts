import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKeyboardDefaults, readHostKeyboard } from './keyboard';

describe('host keyboard', () => {
  it('parses /etc/default/keyboard', () => {
    const text =
      '# KEYBOARD CONFIGURATION FILE\nXKBMODEL="pc105"\nXKBLAYOUT="ch"\nXKBVARIANT="fr"\nXKBOPTIONS=""\nBACKSPACE="guess"\n';
    expect(parseKeyboardDefaults(text)).toEqual({ layout: 'ch', variant: 'fr' });
    expect(parseKeyboardDefaults('XKBLAYOUT=de\nXKBVARIANT=""\n')).toEqual({ layout: 'de' });
    expect(parseKeyboardDefaults("XKBLAYOUT='us,de'\n")).toEqual({ layout: 'us,de' });
    expect(parseKeyboardDefaults('XKBMODEL="pc105"\n')).toBeUndefined();
  });

  it('reads the file, and gives undefined when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-kbd-'));
    try {
      await writeFile(join(dir, 'keyboard'), 'XKBLAYOUT="gb"\n');
      expect(await readHostKeyboard(join(dir, 'keyboard'))).toEqual({ layout: 'gb' });
      expect(await readHostKeyboard(join(dir, 'missing'))).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
