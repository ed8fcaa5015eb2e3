import { describe, expect, it } from 'vitest';
import { ENGINE_DOWN_STATUS } from '../api';
import { machine } from '../main/testing/machines';
import { formatDeletePlan, formatMachines, tableLines } from './output-text';

describe('porthole machines', () => {
  it('says "engine not reachable" while the engine is down, never "absent"', () => {
    const text = formatMachines([{ ...machine('win11', 'stopped'), status: { ...ENGINE_DOWN_STATUS } }]);
    expect(text).toMatch(/^win11\s+\S.*\s+engine not reachable\s/m);
    expect(text).not.toMatch(/absent/);
    expect(text).toContain('"porthole check" says why');
  });

  it('shows the phase as it is when the engine answers', () => {
    const text = formatMachines([machine('win11', 'stopped')]);
    expect(text).toMatch(/^win11\s+\S.*\s+stopped\s/m);
    expect(text).not.toContain('not reachable');
  });

  it('a machine booting an ISO that is not Windows setup says "running from ISO", not installing', () => {
    const text = formatMachines([machine('live', 'running-iso')]);
    expect(text).toMatch(/^live\s+\S.*\s+running from ISO\s/m);
    expect(text).not.toMatch(/installing|running-iso/);
  });

  it('a failed machine shows its cause and remedy, not only "failed"', () => {
    const failed = machine('win11', 'failed');
    const text = formatMachines([
      {
        ...failed,
        status: {
          ...failed.status,
          failure: { exitCode: 88, cause: 'The machine could not use KVM.', remedy: 'Use software emulation.' },
        },
      },
    ]);
    expect(text).toMatch(/^win11\s+\S.*\s+failed\s/m);
    expect(text).toContain('\nwin11 failed: The machine could not use KVM.\n  Use software emulation.\n');
    // No fix Porthole can apply: no fix command.
    expect(text).not.toContain('porthole fix');
  });

  it('a failed machine with a fix Porthole applies names the command that applies it', () => {
    const failed = machine('win11', 'failed');
    const failure = {
      exitCode: 88,
      cause: 'The machine could not use KVM.',
      remedy: 'Use software emulation.',
      fix: 'software-emulation' as const,
    };
    const text = formatMachines([{ ...failed, status: { ...failed.status, failure } }]);
    expect(text).toContain(
      '\nwin11 failed: The machine could not use KVM.\n  Use software emulation.\n  Fix it: porthole fix win11 software-emulation\n',
    );
  });
});

const base = { path: '/home/ada/vms/win', remove: [], keep: [], allocatedBytes: 0, apparentBytes: 0 };

describe('porthole rm --delete-disk says what went', () => {
  it('the whole own folder', () => {
    expect(
      formatDeletePlan({ ...base, kind: 'folder', remove: ['data.img'], allocatedBytes: 21.4 * 1024 ** 3 }, true),
    ).toBe('Deleted the folder /home/ada/vms/win and everything in it (21.4 GB on disk).\n');
  });
  it('only the disk files of a folder Porthole did not make, naming what stays', () => {
    expect(
      formatDeletePlan(
        {
          ...base,
          kind: 'files',
          remove: ['data.img', 'windows.boot'],
          keep: ['notes.txt'],
          allocatedBytes: 5 * 1024 ** 3,
        },
        true,
      ),
    ).toBe(
      "Deleted the Windows disk files in /home/ada/vms/win: data.img, windows.boot (5 GB on disk).\nKept: the folder and notes.txt (not the machine's).\n",
    );
  });
  it('on a remote engine, names the engine’s computer the folder is on', () => {
    expect(formatDeletePlan({ ...base, kind: 'folder', remove: ['data.img'], host: 'build-box' }, false)).toBe(
      'Deletes the folder /home/ada/vms/win on build-box and everything in it (0 bytes on disk).\n',
    );
  });
  it('a missing folder', () => {
    expect(formatDeletePlan({ ...base, kind: 'missing' }, true)).toBe(
      'The storage folder /home/ada/vms/win does not exist: there was no disk to delete.\n',
    );
  });
});

describe('the CLI tables (machines, snapshots, USB devices)', () => {
  it('line up each column two spaces past its widest cell, header first, with no trailing spaces', () => {
    expect(
      tableLines(
        ['ID', 'NAME', 'MACHINES'],
        [
          ['046d:c52b', 'Logitech receiver', '-'],
          ['1050:0407', 'YubiKey', 'win11'],
        ],
      ),
    ).toEqual([
      'ID         NAME               MACHINES',
      '046d:c52b  Logitech receiver  -',
      '1050:0407  YubiKey            win11',
    ]);
    expect(tableLines(['ID', 'NAME'], [])).toEqual(['ID  NAME']);
  });
});
