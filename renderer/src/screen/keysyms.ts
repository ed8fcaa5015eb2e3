/**
 * Text to X11 keysyms (X11 keysymdef.h convention): Latin-1 characters are their own keysym,
 * other Unicode characters are 0x01000000 + code point, and a few control characters have
 * function-key keysyms. Pure: no RFB, no DOM.
 */

/** The function-key keysyms Porthole sends. */
export const XK = {
  BackSpace: 0xff08,
  Tab: 0xff09,
  Return: 0xff0d,
  Escape: 0xff1b,
  Print: 0xff61,
  Delete: 0xffff,
  F1: 0xffbe,
  Shift_L: 0xffe1,
  Control_L: 0xffe3,
  Alt_L: 0xffe9,
  Super_L: 0xffeb,
} as const;

/** The keysym of F1..F12 (F-keys are consecutive in X11). */
export function functionKeysym(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 35) throw new RangeError(`no function key F${n}`);
  return XK.F1 + n - 1;
}

const UNICODE_KEYSYM_BASE = 0x01000000;
const MAX_CODE_POINT = 0x10ffff;

/** Why a character cannot be typed. `no-key` is decided by a keyboard layout, not here. */
export type UntypableReason = 'lone-surrogate' | 'control-character' | 'out-of-range' | 'no-key';

export type KeysymLookup = { ok: true; keysym: number } | { ok: false; reason: UntypableReason };

/** The keysym that types one code point, or why there is none. */
export function keysymForCodePoint(codePoint: number): KeysymLookup {
  if (!Number.isInteger(codePoint) || codePoint < 0 || codePoint > MAX_CODE_POINT) {
    return { ok: false, reason: 'out-of-range' };
  }
  switch (codePoint) {
    case 0x08:
      return { ok: true, keysym: XK.BackSpace };
    case 0x09:
      return { ok: true, keysym: XK.Tab };
    case 0x0a:
    case 0x0d:
      return { ok: true, keysym: XK.Return };
  }
  // C0 controls, DEL and the C1 controls have no keysym a text can mean.
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return { ok: false, reason: 'control-character' };
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return { ok: false, reason: 'lone-surrogate' };
  if (codePoint <= 0xff) return { ok: true, keysym: codePoint };
  return { ok: true, keysym: UNICODE_KEYSYM_BASE + codePoint };
}

export interface TextKey {
  /** Index of the character in the text, in UTF-16 code units. */
  index: number;
  char: string;
  codePoint: number;
  keysym: number;
}

export interface Untypable {
  index: number;
  char: string;
  codePoint: number;
  reason: UntypableReason;
}

export interface TextKeysyms {
  keys: TextKey[];
  untypable: Untypable[];
}

/** Every character of a text as a keysym, in order; `\r\n` is one Return. */
export function textToKeysyms(text: string): TextKeysyms {
  const keys: TextKey[] = [];
  const untypable: Untypable[] = [];
  let index = 0;
  while (index < text.length) {
    const codePoint = text.codePointAt(index)!;
    const width = codePoint > 0xffff ? 2 : 1;
    const char = text.slice(index, index + width);
    // A Windows line end is one key press; the \n that follows the \r types it.
    const isCrOfCrLf = codePoint === 0x0d && text.charCodeAt(index + 1) === 0x0a;
    if (!isCrOfCrLf) {
      const lookup = keysymForCodePoint(codePoint);
      if (lookup.ok) keys.push({ index, char, codePoint, keysym: lookup.keysym });
      else untypable.push({ index, char, codePoint, reason: lookup.reason });
    }
    index += width;
  }
  return { keys, untypable };
}

/** `U+00E9` style name of a code point, for messages. */
export function codePointName(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
