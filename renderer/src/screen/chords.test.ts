import { describe, expect, it } from 'vitest';
import { chordList, chords, planTyping, sendChord, typeText, type KeySender, type KeyStroke } from './chords';
import { describeTyping } from './typing-report';
import { usKeyForKeysym } from './us-layout';

/** Records what would go to the VNC server. */
class FakeRfb implements KeySender {
  readonly sent: KeyStroke[] = [];
  sendKey(keysym: number, code: string | null, down?: boolean): void {
    if (down === undefined) {
      this.sendKey(keysym, code, true);
      this.sendKey(keysym, code, false);
      return;
    }
    this.sent.push({ keysym, code, down });
  }
  /** `+ControlLeft +AltLeft +Delete -Delete ...` */
  trace(): string {
    return this.sent.map((s) => `${s.down ? '+' : '-'}${s.code ?? s.keysym.toString(16)}`).join(' ');
  }
}

/** Every key pressed is released, and nothing is released that was not pressed. */
function expectBalanced(strokes: readonly KeyStroke[]): void {
  const down = new Set<string>();
  for (const s of strokes) {
    const key = `${s.code}`;
    if (s.down) down.add(key);
    else expect(down.delete(key)).toBe(true);
  }
  expect([...down]).toEqual([]);
}

describe('chords', () => {
  it('sends Ctrl+Alt+Del in press order and releases in reverse', () => {
    const rfb = new FakeRfb();
    sendChord(rfb, 'ctrl-alt-del');
    expect(rfb.trace()).toBe('+ControlLeft +AltLeft +Delete -Delete -AltLeft -ControlLeft');
    expect(rfb.sent.map((s) => s.keysym)).toEqual([0xffe3, 0xffe9, 0xffff, 0xffff, 0xffe9, 0xffe3]);
  });

  it('taps the Windows key alone', () => {
    const rfb = new FakeRfb();
    sendChord(rfb, 'win');
    expect(rfb.sent).toEqual([
      { keysym: 0xffeb, code: 'MetaLeft', down: true },
      { keysym: 0xffeb, code: 'MetaLeft', down: false },
    ]);
  });

  it('sends Alt+Tab, Alt+F4 and Print Screen', () => {
    const rfb = new FakeRfb();
    sendChord(rfb, 'alt-tab');
    sendChord(rfb, 'alt-f4');
    sendChord(rfb, 'printscreen');
    expect(rfb.trace()).toBe('+AltLeft +Tab -Tab -AltLeft +AltLeft +F4 -F4 -AltLeft +PrintScreen -PrintScreen');
    expect(rfb.sent[5]!.keysym).toBe(0xffc1);
    expect(rfb.sent[8]!.keysym).toBe(0xff61);
  });

  it('offers Ctrl+Alt+F1..F12 with the right keysyms', () => {
    for (let n = 1; n <= 12; n++) {
      const rfb = new FakeRfb();
      sendChord(rfb, `ctrl-alt-f${n}` as `ctrl-alt-f${1 | 2}`);
      expect(rfb.trace()).toBe(`+ControlLeft +AltLeft +F${n} -F${n} -AltLeft -ControlLeft`);
      expect(rfb.sent[2]!.keysym).toBe(0xffbe + n - 1);
    }
  });

  it('lists every chord once, each balanced', () => {
    expect(chordList).toHaveLength(17);
    expect(new Set(chordList.map((c) => c.name)).size).toBe(17);
    for (const c of chordList) {
      expect(chords[c.name]).toBe(c);
      expectBalanced(c.strokes);
    }
  });
});

describe('typing', () => {
  it('types lower case, upper case with Shift, digits and symbols as US keys', async () => {
    const rfb = new FakeRfb();
    const result = await typeText(rfb, 'aB1!');
    expect(result).toEqual({ typed: 4, untypable: [], aborted: false });
    expect(rfb.trace()).toBe(
      '+KeyA -KeyA +ShiftLeft +KeyB -KeyB -ShiftLeft +Digit1 -Digit1 +ShiftLeft +Digit1 -Digit1 -ShiftLeft',
    );
    // The keysym is the character itself, so servers that read keysyms agree with those that read codes.
    expect(rfb.sent.filter((s) => s.code === 'KeyB').map((s) => s.keysym)).toEqual([0x42, 0x42]);
    expect(rfb.sent.filter((s) => s.code === 'Digit1').map((s) => s.keysym)).toEqual([0x31, 0x31, 0x21, 0x21]);
  });

  it('types line ends, tabs and spaces', async () => {
    const rfb = new FakeRfb();
    await typeText(rfb, 'a b\tc\r\nd\n');
    expect(rfb.trace()).toBe(
      '+KeyA -KeyA +Space -Space +KeyB -KeyB +Tab -Tab +KeyC -KeyC +Enter -Enter +KeyD -KeyD +Enter -Enter',
    );
    expect(rfb.sent.find((s) => s.code === 'Enter')!.keysym).toBe(0xff0d);
  });

  it('covers every printable ASCII character with a balanced US key stroke', () => {
    let ascii = '';
    for (let c = 0x20; c <= 0x7e; c++) ascii += String.fromCharCode(c);
    const plan = planTyping(ascii);
    expect(plan.untypable).toEqual([]);
    expect(plan.groups).toHaveLength(95);
    for (const group of plan.groups) expectBalanced(group);
    expect(usKeyForKeysym('~'.charCodeAt(0))).toEqual({ code: 'Backquote', shift: true });
    expect(usKeyForKeysym('"'.charCodeAt(0))).toEqual({ code: 'Quote', shift: true });
  });

  it('reports what cannot be typed and types the rest', async () => {
    const rfb = new FakeRfb();
    const result = await typeText(rfb, 'café €\u0007\uD800!');
    expect(result.typed).toBe(5); // c a f space !
    expect(result.untypable.map((u) => [u.index, u.char, u.reason])).toEqual([
      [3, 'é', 'no-key'],
      [5, '€', 'no-key'],
      [6, '\u0007', 'control-character'],
      [7, '\uD800', 'lone-surrogate'],
    ]);
    expect(rfb.trace()).toBe('+KeyC -KeyC +KeyA -KeyA +KeyF -KeyF +Space -Space +ShiftLeft +Digit1 -Digit1 -ShiftLeft');
    expect(describeTyping(result)).toBe(
      'Typed 5 characters into Windows. Could not type 4 characters: é (not on a US keyboard), € (not on a US keyboard), U+0007 (control character), U+D800 (broken character).',
    );
  });

  it('yields between batches and stops between characters when aborted', async () => {
    const rfb = new FakeRfb();
    const abort = new AbortController();
    const typing = typeText(rfb, 'ABCDEFGH', { signal: abort.signal, batchSize: 3, pauseMs: 0 });
    // The first batch goes out synchronously; abort during the pause that follows it.
    expect(rfb.sent).toHaveLength(12);
    abort.abort();
    const result = await typing;
    expect(result).toEqual({ typed: 3, untypable: [], aborted: true });
    expectBalanced(rfb.sent);
    expect(describeTyping(result)).toBe('Typing stopped after 3 characters.');
  });

  it('describes a clean paste in one short sentence', () => {
    expect(describeTyping({ typed: 1, untypable: [], aborted: false })).toBe('Typed 1 character into Windows.');
  });
});
