import { functionKeysym, textToKeysyms, XK, type Untypable } from './keysyms';
import { usKeyForKeysym } from './us-layout';

/** What chords and typing need from an RFB connection (noVNC's RFB has it). */
export interface KeySender {
  sendKey(keysym: number, code: string | null, down?: boolean): void;
}

export interface Key {
  keysym: number;
  /** KeyboardEvent.code of the physical key: QEMU uses it to choose the scancode. */
  code: string;
}

export interface KeyStroke {
  keysym: number;
  code: string | null;
  down: boolean;
}

export const keys = {
  ctrl: { keysym: XK.Control_L, code: 'ControlLeft' },
  alt: { keysym: XK.Alt_L, code: 'AltLeft' },
  shift: { keysym: XK.Shift_L, code: 'ShiftLeft' },
  win: { keysym: XK.Super_L, code: 'MetaLeft' },
  del: { keysym: XK.Delete, code: 'Delete' },
  tab: { keysym: XK.Tab, code: 'Tab' },
  printScreen: { keysym: XK.Print, code: 'PrintScreen' },
} as const satisfies Record<string, Key>;

export function functionKey(n: number): Key {
  return { keysym: functionKeysym(n), code: `F${n}` };
}

/** Modifiers pressed in order, the key pressed and released, modifiers released in reverse order. */
export function chordStrokes(modifiers: readonly Key[], key: Key): KeyStroke[] {
  return [
    ...modifiers.map((m) => ({ keysym: m.keysym, code: m.code, down: true })),
    { keysym: key.keysym, code: key.code, down: true },
    { keysym: key.keysym, code: key.code, down: false },
    ...[...modifiers].reverse().map((m) => ({ keysym: m.keysym, code: m.code, down: false })),
  ];
}

const functionKeyNumbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;
type FunctionKeyNumber = (typeof functionKeyNumbers)[number];

export type ChordName =
  'ctrl-alt-del' | 'win' | 'alt-tab' | 'alt-f4' | 'printscreen' | `ctrl-alt-f${FunctionKeyNumber}`;

export interface Chord {
  name: ChordName;
  /** What the menu shows. */
  label: string;
  strokes: readonly KeyStroke[];
}

function chord(name: ChordName, label: string, modifiers: readonly Key[], key: Key): Chord {
  return { name, label, strokes: chordStrokes(modifiers, key) };
}

/** The chords the toolbar offers, in menu order. */
export const chordList: readonly Chord[] = [
  chord('ctrl-alt-del', 'Ctrl+Alt+Del', [keys.ctrl, keys.alt], keys.del),
  chord('win', 'Windows key', [], keys.win),
  chord('alt-tab', 'Alt+Tab', [keys.alt], keys.tab),
  chord('alt-f4', 'Alt+F4', [keys.alt], functionKey(4)),
  chord('printscreen', 'Print Screen', [], keys.printScreen),
  ...functionKeyNumbers.map((n) => chord(`ctrl-alt-f${n}`, `Ctrl+Alt+F${n}`, [keys.ctrl, keys.alt], functionKey(n))),
];

export const chords: Readonly<Record<ChordName, Chord>> = Object.fromEntries(
  chordList.map((c) => [c.name, c]),
) as Record<ChordName, Chord>;

export function sendStrokes(rfb: KeySender, strokes: readonly KeyStroke[]): void {
  for (const s of strokes) rfb.sendKey(s.keysym, s.code, s.down);
}

export function sendChord(rfb: KeySender, name: ChordName): void {
  sendStrokes(rfb, chords[name].strokes);
}

export interface TypingPlan {
  /** One group of strokes per typed character; a group always leaves every key released. */
  groups: KeyStroke[][];
  untypable: Untypable[];
}

/**
 * The key strokes that type a text on a US keyboard. Characters with a keysym but no US key
 * (é, €, emoji...) are reported as `no-key`: QEMU would drop them, since it can only press keys.
 */
export function planTyping(text: string): TypingPlan {
  const { keys: textKeys, untypable } = textToKeysyms(text);
  const groups: KeyStroke[][] = [];
  const noKey: Untypable[] = [];
  for (const k of textKeys) {
    const physical = usKeyForKeysym(k.keysym);
    if (!physical) {
      noKey.push({ index: k.index, char: k.char, codePoint: k.codePoint, reason: 'no-key' });
      continue;
    }
    const key = { keysym: k.keysym, code: physical.code };
    groups.push(chordStrokes(physical.shift ? [keys.shift] : [], key));
  }
  return { groups, untypable: [...untypable, ...noKey].sort((a, b) => a.index - b.index) };
}

export interface TypeTextOptions {
  /** Stops typing between characters (a character is never left half pressed). */
  signal?: AbortSignal;
  /** Characters sent before yielding to the page, so a long paste neither freezes the UI nor floods the guest. */
  batchSize?: number;
  /** Pause between batches, in ms. */
  pauseMs?: number;
}

export interface TypeTextResult {
  /** Characters sent (a `\r\n` counts as one). */
  typed: number;
  untypable: Untypable[];
  aborted: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Types a text into the guest as key strokes. */
export async function typeText(rfb: KeySender, text: string, options: TypeTextOptions = {}): Promise<TypeTextResult> {
  const { signal, batchSize = 64, pauseMs = 15 } = options;
  const plan = planTyping(text);
  let typed = 0;
  for (const group of plan.groups) {
    if (signal?.aborted) return { typed, untypable: plan.untypable, aborted: true };
    sendStrokes(rfb, group);
    typed += 1;
    if (typed % batchSize === 0 && typed < plan.groups.length) await sleep(pauseMs);
  }
  return { typed, untypable: plan.untypable, aborted: false };
}
