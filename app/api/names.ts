/**
 * The one rule for the names people give machines and snapshots, for every way a name arrives (the
 * app, the web host, the CLI, an imported compose file) and for what Porthole writes back out (the
 * compose file's `x-porthole-name`). Shared with the renderer: no Node imports.
 *
 * A name is trimmed and NFC-normalised; it is refused when it holds a character a person cannot see or
 * that changes how text around it is shown: control characters (C0, DEL, C1 such as U+0085, which YAML
 * 1.1 reads as a line break), format characters (bidi overrides such as U+202E, zero-width spaces and
 * joiners, the byte-order mark), line and paragraph separators, lone surrogates and noncharacters. A
 * zero-width joiner inside an emoji sequence (👩‍💻) and the tags of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿) are part of what is seen, so
 * they are kept. Length is counted in graphemes (what a person sees as one character).
 */
import { z } from 'zod';

export type NameKind = 'machine' | 'snapshot';

const RULES: Record<NameKind, { label: string; max: number }> = {
  machine: { label: 'A machine name', max: 64 },
  snapshot: { label: 'A snapshot name', max: 80 },
};

/** The longest name, in graphemes. */
export const MACHINE_NAME_MAX = RULES.machine.max;
export const SNAPSHOT_NAME_MAX = RULES.snapshot.max;

/**
 * A bound in UTF-16 units beside the grapheme count: one grapheme can carry any number of combining
 * marks, and a name is stored, logged and shown everywhere. Generous for emoji sequences (8 units each).
 */
function unitLimit(kind: NameKind): number {
  return RULES[kind].max * 8;
}

/**
 * The `maxLength` of a name's text field. A field counts UTF-16 units, the rule graphemes (an emoji is 2 or
 * more units): one unit beyond the rule's own unit bound, a field never cuts a name the rule accepts, and
 * what it does cut (a long paste) is still too long, so the rule refuses it with the backend's message
 * rather than a shortened name being taken.
 */
export function nameFieldMaxLength(kind: NameKind): number {
  return unitLimit(kind) + 1;
}

// Cc: C0, DEL, C1. Cf: format characters (bidi controls, zero-width space/joiners, BOM, soft hyphen, tags).
// Zl/Zp: U+2028/U+2029. Cs: a lone surrogate (in a `u` regex a lone surrogate is a code point of its own).
const REFUSED = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Noncharacter_Code_Point}]/u;
const PICTOGRAPHIC_START = /^\p{Extended_Pictographic}/u;
// A joiner between two pictographs (skin tone or emoji presentation in between allowed).
const EMOJI_ZWJ = /(?<=\p{Extended_Pictographic}(?:\u{fe0f}|\p{Emoji_Modifier})?)\u200d(?=\p{Extended_Pictographic})/gu;
// A flag's tag sequence: black flag, tag letters, cancel tag.
const FLAG_TAGS = /^\u{1f3f4}[\u{e0020}-\u{e007e}]+\u{e007f}$/u;

type Segmenter = { segment(text: string): Iterable<{ segment: string }> };

function segmenter(): Segmenter | null {
  const Ctor = (Intl as { Segmenter?: new (locale?: string, options?: { granularity: 'grapheme' }) => Segmenter })
    .Segmenter;
  return Ctor ? new Ctor(undefined, { granularity: 'grapheme' }) : null;
}
const graphemeSegmenter = segmenter();

/** What a person sees as characters: grapheme clusters (code points where Intl.Segmenter is missing). */
export function graphemes(text: string): string[] {
  if (!graphemeSegmenter) return Array.from(text);
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** The name as it is kept: trimmed, NFC. */
export function normalizeName(name: string): string {
  return name.trim().normalize('NFC');
}

/** `U+202E`, as a message names a character. */
function codePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first refused character of a (normalised) name, or null. */
function refusedCharacter(name: string): string | null {
  for (const grapheme of graphemes(name)) {
    let seen = grapheme;
    if (PICTOGRAPHIC_START.test(grapheme)) {
      seen = FLAG_TAGS.test(grapheme) ? '\u{1f3f4}' : grapheme.replace(EMOJI_ZWJ, '');
    }
    const bad = REFUSED.exec(seen);
    if (bad) return bad[0];
  }
  return null;
}

/** Why `name` (already normalised) cannot be a name of this kind, or null. */
export function nameProblem(name: string, kind: NameKind): string | null {
  const { label, max } = RULES[kind];
  if (!name) return kind === 'machine' ? 'Give the machine a name.' : 'A snapshot name cannot be empty.';
  const bad = refusedCharacter(name);
  if (bad) {
    const what = /[\n\r\u0085\u2028\u2029]/.test(bad)
      ? 'a line break'
      : /\p{Cc}/u.test(bad)
        ? 'a control character'
        : 'an invisible character';
    return `${label} cannot contain ${what} (${codePoint(bad)}): use letters, digits, spaces and punctuation that can be seen.`;
  }
  if (name.length > unitLimit(kind) || graphemes(name).length > max)
    return `${label} can be at most ${max} characters long.`;
  return null;
}

/**
 * The key two names are compared by: equal keys are the same name. NFKC with case folding (as Unicode's
 * NFKC_Casefold for identifiers): "Café" typed as é or as e + U+0301, "WORK" and "work", "ﬁle" and
 * "file" are one name. JavaScript has no full case fold; upper then lower case is close to it (ß -> ss).
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC').trim();
}

export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}

/** The name's schema: trims and normalises, then applies the rule. */
export function nameSchema(kind: NameKind) {
  return z
    .string()
    .trim()
    .normalize('NFC')
    .superRefine((value, ctx) => {
      const problem = nameProblem(value, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A name read back from a file an older Porthole wrote, made to follow the rule rather than hiding the
 * machine or snapshot it names: refused characters become spaces, it is cut at the longest length, and
 * an empty one becomes `fallback`. A name that follows the rule comes back unchanged.
 */
export function repairName(name: string, kind: NameKind, fallback: string): string {
  const normal = normalizeName(name.replace(/\p{Cs}/gu, '\ufffd'));
  if (nameProblem(normal, kind) === null) return normal;
  const kept = graphemes(normal)
    .map((g) => (refusedCharacter(g) === null ? g : ' '))
    .slice(0, RULES[kind].max)
    .join('')
    .replace(/ {2,}/g, ' ');
  const repaired = normalizeName(kept.slice(0, unitLimit(kind)));
  return nameProblem(repaired, kind) === null ? repaired : fallback;
}

/** The schema for a name in a stored file: repairs (see repairName), never refuses a string. */
export function storedNameSchema(kind: NameKind, fallback: string) {
  return z.string().transform((value) => repairName(value, kind, fallback));
}

/** `name`, else `name 2`, `name 3`...: the first that is not the same name as any in `taken`. */
export function uniqueName(name: string, taken: readonly string[], kind: NameKind, fallback: string): string {
  const keys = new Set(taken.map(nameKey));
  const base = repairName(name, kind, fallback);
  if (!keys.has(nameKey(base))) return base;
  // Room for the number: the base is cut (in graphemes) so that the whole stays within the rule's length.
  const stem = graphemes(base)
    .slice(0, RULES[kind].max - 5)
    .join('')
    .trimEnd();
  for (let n = 2; ; n++) {
    const candidate = `${stem} ${n}`;
    if (!keys.has(nameKey(candidate))) return candidate;
  }
}
