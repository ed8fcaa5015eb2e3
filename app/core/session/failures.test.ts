import { describe, expect, it } from 'vitest';
import { failureFor, isCleanExit } from './failures';

describe('failureFor', () => {
  it.each([88, 16, 73, 68, 74, 13, 12, 62])('exit %i has a cause and a remedy in plain words', (code) => {
    const f = failureFor(code, undefined, false);
    expect(f.exitCode).toBe(code);
    expect(f.cause).not.toMatch(/exit code/);
    expect(f.remedy.length).toBeGreaterThan(20);
  });
  it('keeps the last ERROR line', () => {
    expect(failureFor(74, 'Invalid ISO file: Size of "/custom.iso" is smaller than 10 MB', false).logLine).toContain(
      '10 MB',
    );
  });
  it('explains an unknown exit with the last error', () => {
    expect(failureFor(99, 'Something odd', false).cause).toBe('The machine stopped: Something odd');
    expect(failureFor(99, undefined, false).cause).toContain('exit code 99');
  });
  it('names a KVM internal error whatever the exit code', () => {
    expect(failureFor(1, undefined, true).cause).toContain('KVM internal error');
  });
  it('offers the fixes Porthole can apply itself: emulation for KVM refusals, another ISO for a refused one, none otherwise', () => {
    expect(failureFor(88, undefined, false).fix).toBe('software-emulation');
    // The image's reason when the container cannot write to the device (a rootless engine dropped the kvm group).
    const unwriteable = failureFor(
      88,
      'KVM acceleration is not available (/dev/kvm is unwriteable), this will cause a major loss of performance.',
      false,
    );
    expect(unwriteable.cause).toContain('could not write to /dev/kvm');
    expect(unwriteable.fix).toBe('software-emulation');
    expect(
      failureFor(
        88,
        'KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.',
        false,
      ).cause,
    ).toBe('The machine could not use KVM hardware acceleration.');
    expect(failureFor(1, undefined, true).fix).toBe('software-emulation');
    expect(failureFor(74, undefined, false).fix).toBe('choose-iso');
    expect(failureFor(13, undefined, false).fix).toBeUndefined();
    expect(failureFor(99, undefined, false).fix).toBeUndefined();
  });
  it('a full disk offers "make room", by exit 76 or by the image’s words whatever the code (74 also means a resize without room)', () => {
    const created = failureFor(
      76,
      'Not enough free space to create a data disk of 64G in /storage, it has only 3 GB available...',
      false,
    );
    expect(created).toMatchObject({ exitCode: 76, fix: 'make-room', cause: expect.stringContaining('full') });
    const resized = failureFor(
      74,
      'Not enough free space to resize data disk to 80G in /storage, it has only 3 GB available..',
      false,
    );
    expect(resized.fix).toBe('make-room');
    expect(failureFor(1, 'dd: error writing /storage/data.img: No space left on device', false).fix).toBe('make-room');
    expect(failureFor(76, undefined, false).fix).toBe('make-room');
  });
  it('0 and 143 are normal ends', () => {
    expect(isCleanExit(0)).toBe(true);
    expect(isCleanExit(143)).toBe(true);
    expect(isCleanExit(88)).toBe(false);
    expect(isCleanExit(null)).toBe(false);
  });
});
