import type { TypeTextResult } from './chords';
import { codePointName, type Untypable, type UntypableReason } from './keysyms';

const reasonText: Record<UntypableReason, string> = {
  'no-key': 'not on a US keyboard',
  'control-character': 'control character',
  'lone-surrogate': 'broken character',
  'out-of-range': 'not a character',
};

function shown(u: Untypable): string {
  return u.reason === 'no-key' ? u.char : codePointName(u.codePoint);
}

/** One sentence for the user about a paste: how much was typed and which characters were not. */
export function describeTyping(result: TypeTextResult, limit = 8): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  let text = result.aborted
    ? `Typing stopped after ${plural(result.typed, 'character')}.`
    : `Typed ${plural(result.typed, 'character')} into Windows.`;
  if (result.untypable.length > 0) {
    const distinct = new Map<string, Untypable>();
    for (const u of result.untypable) if (!distinct.has(u.char)) distinct.set(u.char, u);
    const listed = [...distinct.values()].slice(0, limit).map((u) => `${shown(u)} (${reasonText[u.reason]})`);
    const more = distinct.size > limit ? `, and ${distinct.size - limit} more` : '';
    text += ` Could not type ${plural(result.untypable.length, 'character')}: ${listed.join(', ')}${more}.`;
  }
  return text;
}
