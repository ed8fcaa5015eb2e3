import { describe, expect, it } from 'vitest';
import {
  graphemes,
  MACHINE_NAME_MAX,
  nameFieldMaxLength,
  nameKey,
  nameProblem,
  nameSchema,
  normalizeName,
  repairName,
  sameName,
  SNAPSHOT_NAME_MAX,
  uniqueName,
} from './names';
import { validateMachineName } from './validation';
import { machineSettingsSchema } from './machine';
import { snapshotNameSchema } from './snapshots';
import { sampleMachine } from './testing/sample-machine';

describe('the names rule', () => {
  it.each([
    ['NEL', 'a\u0085b', 'line break (U+0085)'],
    ['line separator', 'a\u2028b', 'line break (U+2028)'],
    ['paragraph separator', 'a\u2029b', 'line break (U+2029)'],
    ['C1 control', 'a\u009bb', 'control character (U+009B)'],
    ['DEL', 'a\u007fb', 'control character (U+007F)'],
    ['escape', 'a\u001b]0;title\u0007', 'control character (U+001B)'],
    ['right-to-left override', 'invoice\u202efdp.exe', 'invisible character (U+202E)'],
    ['left-to-right isolate', 'a\u2066b', 'invisible character (U+2066)'],
    ['Arabic letter mark', 'a\u061cb', 'invisible character (U+061C)'],
    ['right-to-left mark', 'a\u200fb', 'invisible character (U+200F)'],
    ['zero-width space', 'Work\u200b', 'invisible character (U+200B)'],
    ['zero-width joiner between letters', 'a\u200db', 'invisible character (U+200D)'],
    ['byte-order mark inside', 'a\ufeffb', 'invisible character (U+FEFF)'],
    ['soft hyphen', 'a\u00adb', 'invisible character (U+00AD)'],
    ['lone high surrogate', 'a\ud800b', 'invisible character (U+D800)'],
    ['lone low surrogate', 'a\udc00', 'invisible character (U+DC00)'],
    ['noncharacter', 'a\ufffeb', 'invisible character (U+FFFE)'],
  ])('refuses a %s', (_what, name, message) => {
    expect(nameProblem(normalizeName(name), 'machine')).toContain(message);
    expect(nameSchema('snapshot').safeParse(name).success).toBe(false);
  });

  it.each([
    'Windows 11',
    'Büro-PC',
    'Café',
    '日本語のマシン',
    'עבודה',
    'العمل',
    'x'.repeat(64),
    '👩‍💻 Dev',
    '🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland',
    '🇫🇷',
    '👍🏽',
    'a\u00a0b',
  ])('accepts %j', (name) => {
    expect(nameProblem(normalizeName(name), 'machine')).toBeNull();
  });

  it('counts length in graphemes, not UTF-16 units', () => {
    const family = '👨‍👩‍👧‍👦';
    expect(family.length).toBe(11);
    expect(graphemes(family.repeat(40))).toHaveLength(40);
    expect(nameProblem(family.repeat(40), 'machine')).toBeNull();
    expect(nameProblem('é'.normalize('NFD').repeat(64), 'machine')).toBeNull();
    expect(nameProblem('x'.repeat(65), 'machine')).toMatch(/at most 64 characters/);
    expect(nameProblem('x'.repeat(81), 'snapshot')).toMatch(/at most 80 characters/);
    // One grapheme can carry any number of marks: a bound in units stays.
    expect(nameProblem(`a${'\u0301'.repeat(600)}`, 'machine')).toMatch(/at most 64/);
  });

  it('normalises to NFC and trims', () => {
    const parsed = nameSchema('machine').parse('  Cafe\u0301  ');
    expect(parsed).toBe('Caf\u00e9');
    expect(machineSettingsSchema.parse(sampleMachine({ name: 'Cafe\u0301' })).name).toBe('Caf\u00e9');
    expect(snapshotNameSchema.parse('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('compares by NFKC and case folding: look-alikes are one name', () => {
    expect(sameName('Caf\u00e9', 'CAFE\u0301')).toBe(true);
    expect(sameName('ﬁle', 'FILE')).toBe(true);
    expect(sameName('Straße', 'STRASSE')).toBe(true);
    expect(sameName('Ｗｏｒｋ', 'work')).toBe(true);
    expect(sameName('Work', 'Word')).toBe(false);
    expect(nameKey(' Work ')).toBe('work');
  });

  it('repairs a stored name rather than refusing it, and leaves a good one alone', () => {
    expect(repairName('Old\u0085name', 'machine', 'Windows')).toBe('Old name');
    expect(repairName('Cafe\u0301', 'machine', 'Windows')).toBe('Caf\u00e9');
    expect(repairName('\u202e\u200b', 'machine', 'Windows')).toBe('Windows');
    expect(repairName('a\ud800', 'snapshot', 'Snapshot')).toBe('a\ufffd');
    expect(graphemes(repairName('x'.repeat(100), 'machine', 'Windows'))).toHaveLength(64);
    expect(repairName('👩‍💻 Dev', 'machine', 'Windows')).toBe('👩‍💻 Dev');
  });

  it('makes a unique name by the same comparison', () => {
    expect(uniqueName('Cafe\u0301', ['CAFÉ'], 'machine', 'Windows')).toBe('Café 2');
    expect(uniqueName('x'.repeat(64), ['x'.repeat(64)], 'machine', 'Windows')).toBe(`${'x'.repeat(59)} 2`);
  });
});

describe('a name’s text field and the rule count alike', () => {
  // Emoji of 2, 4 (with a skin tone) and 5 (a ZWJ sequence) UTF-16 units: each one grapheme.
  it.each(['😀', '👍🏽', '👩\u200d💻'])(
    'takes %s repeated up to the longest name, and refuses one more with the rule’s message',
    (emoji) => {
      for (const [kind, max, label] of [
        ['machine', MACHINE_NAME_MAX, 'A machine name'],
        ['snapshot', SNAPSHOT_NAME_MAX, 'A snapshot name'],
      ] as const) {
        const longest = emoji.repeat(max);
        expect(longest.length).toBeGreaterThan(80); // what the fields used to cut at
        expect(longest.length).toBeLessThan(nameFieldMaxLength(kind));
        expect(nameProblem(longest, kind)).toBeNull();
        const over = emoji.repeat(max + 1);
        expect(over.length).toBeLessThanOrEqual(nameFieldMaxLength(kind));
        expect(nameProblem(over, kind)).toBe(`${label} can be at most ${max} characters long.`);
      }
      expect(validateMachineName(emoji.repeat(MACHINE_NAME_MAX))).toBeNull();
    },
  );

  it('a field’s cut (a long paste) is never a name the rule accepts', () => {
    for (const kind of ['machine', 'snapshot'] as const) {
      const cut = 'x'.repeat(10_000).slice(0, nameFieldMaxLength(kind));
      expect(nameProblem(cut, kind)).toMatch(/can be at most \d+ characters long\.$/);
    }
  });
});
