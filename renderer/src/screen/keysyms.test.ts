import { describe, expect, it } from 'vitest';
import { codePointName, functionKeysym, keysymForCodePoint, textToKeysyms, XK } from './keysyms';

describe('keysymForCodePoint', () => {
  it('maps printable ASCII and Latin-1 to themselves', () => {
    expect(keysymForCodePoint(0x41)).toEqual({ ok: true, keysym: 0x41 });
    expect(keysymForCodePoint(0x20)).toEqual({ ok: true, keysym: 0x20 });
    expect(keysymForCodePoint(0x7e)).toEqual({ ok: true, keysym: 0x7e });
    expect(keysymForCodePoint(0xa0)).toEqual({ ok: true, keysym: 0xa0 });
    expect(keysymForCodePoint(0xe9)).toEqual({ ok: true, keysym: 0xe9 });
    expect(keysymForCodePoint(0xff)).toEqual({ ok: true, keysym: 0xff });
  });

  it('maps U+0100 and above to 0x01000000 + code point', () => {
    expect(keysymForCodePoint(0x100)).toEqual({ ok: true, keysym: 0x01000100 });
    expect(keysymForCodePoint(0x20ac)).toEqual({ ok: true, keysym: 0x010020ac });
    expect(keysymForCodePoint(0x1f600)).toEqual({ ok: true, keysym: 0x0101f600 });
    expect(keysymForCodePoint(0x10ffff)).toEqual({ ok: true, keysym: 0x0110ffff });
  });

  it('gives line ends, tab and backspace their function keysyms', () => {
    expect(keysymForCodePoint(0x0a)).toEqual({ ok: true, keysym: XK.Return });
    expect(keysymForCodePoint(0x0d)).toEqual({ ok: true, keysym: 0xff0d });
    expect(keysymForCodePoint(0x09)).toEqual({ ok: true, keysym: 0xff09 });
    expect(keysymForCodePoint(0x08)).toEqual({ ok: true, keysym: 0xff08 });
  });

  it('refuses other controls, surrogates and what is beyond Unicode', () => {
    for (const cp of [0x00, 0x07, 0x1b, 0x1f, 0x7f, 0x80, 0x9f]) {
      expect(keysymForCodePoint(cp)).toEqual({ ok: false, reason: 'control-character' });
    }
    expect(keysymForCodePoint(0xd800)).toEqual({ ok: false, reason: 'lone-surrogate' });
    expect(keysymForCodePoint(0xdfff)).toEqual({ ok: false, reason: 'lone-surrogate' });
    expect(keysymForCodePoint(0x110000)).toEqual({ ok: false, reason: 'out-of-range' });
    expect(keysymForCodePoint(-1)).toEqual({ ok: false, reason: 'out-of-range' });
    expect(keysymForCodePoint(1.5)).toEqual({ ok: false, reason: 'out-of-range' });
  });
});

describe('textToKeysyms', () => {
  it('keeps order and UTF-16 indexes, with astral characters as one key', () => {
    const { keys, untypable } = textToKeysyms('a😀b');
    expect(untypable).toEqual([]);
    expect(keys.map((k) => [k.index, k.char, k.keysym])).toEqual([
      [0, 'a', 0x61],
      [1, '😀', 0x0101f600],
      [3, 'b', 0x62],
    ]);
  });

  it('types \\r\\n, \\n and a lone \\r as one Return each', () => {
    const { keys } = textToKeysyms('a\r\nb\nc\rd');
    expect(keys.map((k) => k.keysym)).toEqual([0x61, XK.Return, 0x62, XK.Return, 0x63, XK.Return, 0x64]);
  });

  it('reports lone surrogates and controls with their place', () => {
    const { keys, untypable } = textToKeysyms('x\uD800y\u0007z\uDC00');
    expect(keys.map((k) => k.char).join('')).toBe('xyz');
    expect(untypable).toEqual([
      { index: 1, char: '\uD800', codePoint: 0xd800, reason: 'lone-surrogate' },
      { index: 3, char: '\u0007', codePoint: 0x07, reason: 'control-character' },
      { index: 5, char: '\uDC00', codePoint: 0xdc00, reason: 'lone-surrogate' },
    ]);
  });

  it('handles the empty text', () => {
    expect(textToKeysyms('')).toEqual({ keys: [], untypable: [] });
  });
});

describe('helpers', () => {
  it('numbers function keys from F1', () => {
    expect(functionKeysym(1)).toBe(0xffbe);
    expect(functionKeysym(4)).toBe(0xffc1);
    expect(functionKeysym(12)).toBe(0xffc9);
    expect(() => functionKeysym(0)).toThrow(RangeError);
  });

  it('names code points', () => {
    expect(codePointName(0x7)).toBe('U+0007');
    expect(codePointName(0x1f600)).toBe('U+1F600');
  });
});
