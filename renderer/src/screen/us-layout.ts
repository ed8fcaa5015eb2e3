import { XK } from './keysyms';

/**
 * Which physical key (KeyboardEvent.code) types a keysym on a US keyboard, and whether Shift is needed.
 *
 * QEMU turns key events into scancodes: with its extended key events it uses the code we send, and
 * without them it maps the keysym to a key but never presses Shift by itself. Either way the guest
 * sees key presses, read through Windows' own layout, so text is typed as a US keyboard would type it.
 */
export interface PhysicalKey {
  code: string;
  shift: boolean;
}

// [code, unshifted character, shifted character]
const printable: readonly (readonly [string, string, string])[] = [
  ['Backquote', '`', '~'],
  ['Digit1', '1', '!'],
  ['Digit2', '2', '@'],
  ['Digit3', '3', '#'],
  ['Digit4', '4', '$'],
  ['Digit5', '5', '%'],
  ['Digit6', '6', '^'],
  ['Digit7', '7', '&'],
  ['Digit8', '8', '*'],
  ['Digit9', '9', '('],
  ['Digit0', '0', ')'],
  ['Minus', '-', '_'],
  ['Equal', '=', '+'],
  ['BracketLeft', '[', '{'],
  ['BracketRight', ']', '}'],
  ['Backslash', '\\', '|'],
  ['Semicolon', ';', ':'],
  ['Quote', "'", '"'],
  ['Comma', ',', '<'],
  ['Period', '.', '>'],
  ['Slash', '/', '?'],
  ...Array.from('abcdefghijklmnopqrstuvwxyz', (c) => [`Key${c.toUpperCase()}`, c, c.toUpperCase()] as const),
];

function buildTable(): ReadonlyMap<number, PhysicalKey> {
  const table = new Map<number, PhysicalKey>();
  for (const [code, plain, shifted] of printable) {
    table.set(plain.codePointAt(0)!, { code, shift: false });
    table.set(shifted.codePointAt(0)!, { code, shift: true });
  }
  table.set(0x20, { code: 'Space', shift: false });
  table.set(XK.Return, { code: 'Enter', shift: false });
  table.set(XK.Tab, { code: 'Tab', shift: false });
  table.set(XK.BackSpace, { code: 'Backspace', shift: false });
  return table;
}

const usKeys = buildTable();

/** The US-keyboard key for a keysym, or null when a US keyboard has none. */
export function usKeyForKeysym(keysym: number): PhysicalKey | null {
  return usKeys.get(keysym) ?? null;
}
