/**
 * Characters a person cannot see or type, found in text that must be shown exactly (a password): control
 * characters (C0, DEL, C1: U+009B is CSI to some terminals), format characters (bidi controls such as
 * U+202E, zero-width spaces and joiners, the byte-order mark), line and paragraph separators and lone
 * surrogates. A password rule refuses them (validation.ts); a password stored before that rule is shown
 * with each written as `\u{202E}` (the CLI on a terminal, the app). Shared with the renderer: no Node imports.
 */

export interface HiddenCharacter {
  /** 1-based, in characters (code points) as a person counts them. */
  position: number;
  /** `U+202E`. */
  codePoint: string;
  /** What it is, in words: "a line break", "an invisible text-direction mark"... */
  kind: string;
}

const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
// What may stand between a pictograph and the joiner of an emoji sequence (👍🏽‍, ❤️‍).
const EMOJI_TAIL = /[\u{fe0f}\p{Emoji_Modifier}]/u;

function kindOf(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\n' || ch === '\r' || code === 0x85 || code === 0x2028 || code === 0x2029) return 'a line break';
  if (ch === '\t') return 'a tab';
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (code <= 0x9f) return 'a terminal control character';
  if (BIDI.test(ch)) return 'an invisible text-direction mark';
  if (code >= 0xd800 && code <= 0xdfff) return 'half of a character (a lone surrogate)';
  return 'an invisible formatting mark';
}

/** A joiner inside an emoji sequence (👩‍💻) is part of what is seen. */
function emojiJoiner(chars: readonly string[], i: number): boolean {
  if (chars[i] !== '\u200d') return false;
  let before = i - 1;
  if (before >= 0 && EMOJI_TAIL.test(chars[before]!)) before--;
  return before >= 0 && PICTOGRAPH.test(chars[before]!) && PICTOGRAPH.test(chars[i + 1] ?? '');
}

function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Every character of `text` that cannot be seen or typed, in order. */
export function hiddenCharacters(text: string): HiddenCharacter[] {
  const chars = Array.from(text);
  const found: HiddenCharacter[] = [];
  chars.forEach((ch, i) => {
    if (HIDDEN.test(ch) && !emojiJoiner(chars, i))
      found.push({ position: i + 1, codePoint: codePointName(ch), kind: kindOf(ch) });
  });
  return found;
}

/** `text` with each hidden character written as `\u{202E}`, for a person to read; unchanged when it has none. */
export function showHidden(text: string): string {
  const chars = Array.from(text);
  return chars
    .map((ch, i) =>
      HIDDEN.test(ch) && !emojiJoiner(chars, i)
        ? `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`
        : ch,
    )
    .join('');
}

/** "character 5 is an invisible text-direction mark (U+202E)". */
export function describeHidden(h: HiddenCharacter): string {
  return `character ${h.position} is ${h.kind} (${h.codePoint})`;
}
