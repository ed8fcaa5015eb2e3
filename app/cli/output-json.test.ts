import { describe, expect, it } from 'vitest';
import { jsonText } from './output-json';

describe('jsonText (every --json answer)', () => {
  it('escapes what a terminal would act on or hide, and reads back as the same value', () => {
    // A program name as a hostile guest could write it: CSI (C1), a bidi override, a zero-width space, DEL,
    // a line separator; an emoji with its zero-width joiner is text and comes back whole too.
    const value = { name: 'Paint\u009b2J\u202eexe.txt\u200b\u007f\u2028end', emoji: '👩‍💻', plain: 'Ünïcode ok' };
    const text = jsonText(value);
    expect(text).not.toMatch(/[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029]/u);
    expect(text).toContain('\\u009b2J\\u202eexe.txt\\u200b\\u007f\\u2028end');
    expect(text).toContain('Ünïcode ok');
    expect(JSON.parse(text)).toEqual(value);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
