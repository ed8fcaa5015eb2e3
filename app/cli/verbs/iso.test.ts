import { describe, expect, it } from 'vitest';
import { UsageError } from '../options';
import { formatIsoCopy, isoCopyLine, verb } from './iso';
import type { VerbContext } from './verb';

describe('porthole iso copy', () => {
  const result = {
    path: "/srv/porthole/isos/Bob's Win11.iso",
    host: 'vm-box',
    sizeBytes: 5.5 * 1024 ** 3,
    sha256: 'a'.repeat(64),
    reused: false,
    renamed: false,
  };

  it('says where the ISO is there, how it was checked, and how to use it (the path quoted for a shell)', () => {
    expect(formatIsoCopy(result)).toBe(
      'Copied 5.5 GB to vm-box (SHA-256 checked on both computers).\n' +
        "On vm-box: /srv/porthole/isos/Bob's Win11.iso\n" +
        "Use it: porthole create --iso '/srv/porthole/isos/Bob'\\''s Win11.iso'\n",
    );
    expect(formatIsoCopy({ ...result, sha256: null })).toContain('(size checked there)');
  });

  it('says when nothing was copied, and when the copy got another name', () => {
    expect(formatIsoCopy({ ...result, reused: true })).toMatch(/^The same file \(5\.5 GB\) was on vm-box already/);
    expect(formatIsoCopy({ ...result, renamed: true })).toContain('A different file had its name there');
  });

  it('shows the progress in whole percents', () => {
    const p = { copyId: 'cli-0123456789', totalBytes: 2 * 1024 ** 3 };
    expect(isoCopyLine({ ...p, phase: 'copying', doneBytes: 0.85 * 1024 ** 3 }, 'vm-box')).toBe(
      'Copying to vm-box: 42% (870 MB of 2 GB)',
    );
    expect(isoCopyLine({ ...p, phase: 'checking', doneBytes: 0 }, 'vm-box')).toBe('Looking at the ISO and at vm-box…');
    expect(isoCopyLine({ ...p, phase: 'verifying', doneBytes: 1 }, 'vm-box')).toBe('Checking the copy on vm-box…');
  });

  it('a usage mistake (exit 2) before anything is asked of the backend', async () => {
    for (const positionals of [['iso'], ['iso', 'send', '/x.iso'], ['iso', 'copy'], ['iso', 'copy', 'a', 'b']])
      await expect(verb.run({ positionals, values: {}, json: false } as unknown as VerbContext)).rejects.toBeInstanceOf(
        UsageError,
      );
  });
});
