/**
 * Text for a terminal. What the guest writes (its program list, its status page), a container's log
 * and an engine's answers are hostile: an escape sequence can set the terminal's title, clear it or
 * move the cursor, a line break or carriage return can fake a line of Porthole's own output, and a
 * bidi override can show a name backwards. Each such character is printed as a visible escape
 * (`\x1b`, `\n`, `\u202e`) instead. `--json` output does not come here: it stays exact.
 */

// Cc: C0 (with \n, \r, \t), DEL, C1. Cf: format characters (bidi controls, zero-width, BOM, tags).
// Zl/Zp: U+2028/U+2029. Cs: lone surrogates (the terminal would get U+FFFD, hiding what was there).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
// A joiner inside an emoji sequence (👩‍💻) is part of the picture, not a trick.
const PICTOGRAPH_BEFORE = /\p{Extended_Pictographic}(?:\u{fe0f}|\p{Emoji_Modifier})?$/u;
const PICTOGRAPH_AFTER = /^\p{Extended_Pictographic}/u;
// So are the tags of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿: black flag, tag letters, cancel tag).
const FLAG_TAG = /^[\u{e0020}-\u{e007f}]$/u;
const IN_FLAG = /\u{1f3f4}[\u{e0020}-\u{e007e}]{0,8}$/u;
// Colour codes (SGR: ESC [ ... m): the image's log lines carry them; shown in colour they would mislead, escaped they are noise.
// eslint-disable-next-line no-control-regex -- the escape character is exactly what this finds
const SGR = /\u001b\[[0-9;:]*m/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0)!;
  if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\u{${code.toString(16)}}`;
}

function safe(text: string, keepNewlines: boolean): string {
  return text.replace(UNSAFE, (ch: string, offset: number, whole: string) => {
    if (keepNewlines && ch === '\n') return ch;
    if (FLAG_TAG.test(ch) && IN_FLAG.test(whole.slice(Math.max(0, offset - 18), offset))) return ch;
    if (
      ch === '\u200d' &&
      PICTOGRAPH_BEFORE.test(whole.slice(Math.max(0, offset - 4), offset)) &&
      PICTOGRAPH_AFTER.test(whole.slice(offset + 1, offset + 3))
    )
      return ch;
    return escape(ch);
  });
}

/** One value from the guest, a log or the engine, for one place in a line: every control shown escaped, line breaks too. */
export function terminalSafe(text: string): string {
  return safe(text, false);
}

/** Output Porthole composed (which may quote such values): line breaks kept, every other control shown escaped. */
export function terminalSafeLines(text: string): string {
  return safe(text, true);
}

/** One line of a container's log: its colour codes dropped, then made safe as terminalSafe does. */
export function terminalSafeLogLine(line: string): string {
  return terminalSafe(line.replace(SGR, ''));
}
