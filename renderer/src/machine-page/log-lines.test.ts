import { describe, expect, it } from 'vitest';
import { classify, forPerson, LogRing, matches, stripAnsi, visibleRange } from './log-lines';

describe('log lines', () => {
  it('tells the image’s ❯ lines and its errors from the rest, colours or not', () => {
    expect(classify('❯ Starting Windows for Docker v4.00...')).toBe('image');
    expect(classify(stripAnsi('\x1b[1;34m❯ \x1b[1;36mBooting Windows using QEMU\x1b[0m'))).toBe('image');
    expect(classify('❯ ERROR: KVM acceleration is not available (not enabled in BIOS)')).toBe('error');
    expect(classify(stripAnsi('\x1b[1;31m❯ ERROR: no space\x1b[0m'))).toBe('error');
    expect(classify('BdsDxe: loading Boot0004')).toBe('plain');
    expect(stripAnsi('\x1b[1;34m❯ \x1b[1;36mhello\x1b[0m')).toBe('❯ hello');
  });

  it('keeps the last N lines of a log of any length, numbered from the start', () => {
    const ring = new LogRing(1000);
    for (let i = 0; i < 100_000; i++) ring.push(`line ${i}`);
    const kept = ring.all();
    expect(kept).toHaveLength(1000);
    expect(kept[0]).toMatchObject({ seq: 99_000, text: 'line 99000' });
    expect(kept.at(-1)).toMatchObject({ seq: 99_999, text: 'line 99999' });
    expect(ring.received).toBe(100_000);
  });

  it('searches by every word, in any order, ignoring case', () => {
    const ring = new LogRing(10);
    for (const t of ['❯ Booting Windows', 'QEMU started', '❯ windows is booting now']) ring.push(t);
    expect(
      ring
        .all()
        .filter(matches('BOOTING windows'))
        .map((l) => l.text),
    ).toEqual(['❯ Booting Windows', '❯ windows is booting now']);
    expect(ring.all().filter(matches('  '))).toHaveLength(3);
  });

  it('draws only the rows in view, with a margin', () => {
    expect(visibleRange(0, 480, 18, 20_000)).toEqual({ start: 0, end: 47 });
    expect(visibleRange(18 * 10_000, 480, 18, 20_000)).toEqual({ start: 9980, end: 10_047 });
    expect(visibleRange(0, 480, 18, 5)).toEqual({ start: 0, end: 5 });
  });
});

describe('a log line as a person reads it', () => {
  it('names the address Porthole publishes, not the image’s own port', () => {
    expect(
      forPerson('❯ Windows started successfully, visit http://127.0.0.1:8006/ to view the screen...', 41234).text,
    ).toBe('❯ Windows started successfully, visit http://127.0.0.1:41234/ to view the screen...');
  });

  it('says Porthole’s install marker in words', () => {
    expect(forPerson('PORTHOLE-INSTALLED win11', 1)).toEqual({
      text: expect.stringMatching(/^Porthole: Windows finished installing/),
      kind: 'phase',
    });
    // The command that writes it is not the marker.
    expect(forPerson('echo PORTHOLE-INSTALLED win11 > COM1', 1).kind).toBeUndefined();
  });
});
