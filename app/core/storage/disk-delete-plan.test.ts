import { describe, expect, it } from 'vitest';
import {
  decideDiskDelete,
  foreignNames,
  STORAGE_MARKER,
  type FolderListing,
  type InnerEntry,
  type ListedEntry,
} from './disk-delete-plan';

const MARK = JSON.stringify({ machineId: 'vm', createdAt: '2026-01-01T00:00:00Z' });

const file = (name: string, bytes = 10): ListedEntry => ({
  name,
  type: 'file',
  allocatedBytes: bytes * 2,
  apparentBytes: bytes,
});
const dir = (name: string, inner?: InnerEntry[] | null, bytes = 0): ListedEntry => ({
  name,
  type: 'dir',
  allocatedBytes: 4096 + bytes,
  apparentBytes: bytes,
  ...(inner !== undefined ? { inner } : {}),
});
const link = (name: string): ListedEntry => ({ name, type: 'link', allocatedBytes: 0, apparentBytes: 0 });
const folder = (entries: ListedEntry[], o: { marker?: string | null; base?: string | null } = {}): FolderListing => ({
  kind: 'folder',
  allocatedBytes: 4096,
  marker: o.marker === undefined ? MARK : o.marker,
  windowsBase: o.base ?? null,
  entries,
});
/** What ownership.test.ts's imageFiles writes, as listed. */
const image = (): ListedEntry[] => [
  file('data.img', 1000),
  file('windows.boot', 0),
  file('windows.base', 13),
  file('win11x64.iso', 3),
  dir('tmp', [{ name: 'unpack', type: 'dir' }], 1),
];

describe('decideDiskDelete: what goes, over a listing', () => {
  it('an own folder holding only the image’s files goes whole, with the folder’s own blocks', () => {
    const plan = decideDiskDelete('/s/vm', folder([file(STORAGE_MARKER, 50), ...image()]), 'vm');
    expect(plan).toMatchObject({
      path: '/s/vm',
      kind: 'folder',
      keep: [],
      remove: [STORAGE_MARKER, 'data.img', 'tmp', 'win11x64.iso', 'windows.base', 'windows.boot'],
    });
    expect(plan.apparentBytes).toBe(50 + 1000 + 13 + 3 + 1);
    expect(plan.allocatedBytes).toBe(4096 + 100 + 2000 + 26 + 6 + 4097);
  });

  it('missing, and a path that is not a folder', () => {
    expect(decideDiskDelete('/s/vm', { kind: 'missing' }, 'vm')).toMatchObject({ kind: 'missing', remove: [] });
    expect(decideDiskDelete('/s/vm', { kind: 'not-folder' }, 'vm')).toMatchObject({
      kind: 'files',
      remove: [],
      keep: ['.'],
    });
  });

  it('a foreign file keeps the folder; its size is not counted', () => {
    const plan = decideDiskDelete('/s/vm', folder([file(STORAGE_MARKER), ...image(), file('thesis.docx', 99)]), 'vm');
    expect(plan).toMatchObject({ kind: 'files', keep: ['thesis.docx'] });
    expect(plan.apparentBytes).toBe(10 + 1000 + 13 + 3 + 1);
  });

  it('a folder chosen by hand: never the folder, foreign files, own ISOs, symlinks; another machine’s marker stays', () => {
    const listing = folder(
      [
        ...image(),
        file('my-linux.iso'),
        file('notes.txt'),
        dir('shared'),
        link('data.qcow2'),
        link('backups'),
        file(STORAGE_MARKER),
      ],
      { marker: JSON.stringify({ machineId: 'other', createdAt: 'x' }), base: 'win11x64.iso\n' },
    );
    const plan = decideDiskDelete('/s/hand', listing, 'vm');
    expect(plan.kind).toBe('files');
    expect(plan.remove).toEqual(['data.img', 'tmp', 'win11x64.iso', 'windows.base', 'windows.boot']);
    expect(plan.keep).toEqual([STORAGE_MARKER, 'backups', 'data.qcow2', 'my-linux.iso', 'notes.txt', 'shared']);
  });

  it('backups/ and tmp/ go only as the image makes them', () => {
    const backup = (inner: InnerEntry[]): InnerEntry => ({ name: 'win11x64.2', type: 'dir', inner });
    const ok = [
      file(STORAGE_MARKER),
      dir('backups', [
        backup([
          { name: 'data.img', type: 'file' },
          { name: 'win11x64.iso', type: 'file' },
        ]),
      ]),
      dir('tmp', [
        { name: 'unpack', type: 'dir' },
        { name: 'win11x64.iso', type: 'file' },
      ]),
    ];
    expect(decideDiskDelete('/s/vm', folder(ok), 'vm')).toMatchObject({ kind: 'folder', keep: [] });
    const hostile: ListedEntry[][] = [
      // A file loose in backups/, a link in a backup's folder, too many to look at, a link in tmp/, a person's file in tmp/.
      [dir('backups', [backup([]), { name: 'extra.img', type: 'file' }])],
      [dir('backups', [backup([{ name: 'data.img', type: 'link' }])])],
      [dir('backups', null)],
      [dir('backups', [{ name: 'win11x64', type: 'dir' }])],
      [dir('tmp', [{ name: 'esd', type: 'link' }])],
      [dir('tmp', [{ name: 'draft.txt', type: 'file' }])],
      [dir('porthole', [{ name: 'notes.txt', type: 'file' }])],
    ];
    for (const entries of hostile) {
      const plan = decideDiskDelete('/s/vm', folder([file(STORAGE_MARKER), ...entries]), 'vm');
      expect(plan).toMatchObject({ kind: 'files', keep: [entries[0]!.name], remove: [STORAGE_MARKER] });
    }
  });

  it('hostile entries: the image’s names as links, folders, FIFOs, or with a newline, never go', () => {
    const listing = folder([
      file(STORAGE_MARKER),
      link('data.img'),
      dir('windows.vars'),
      { name: 'windows.rom', type: 'other', allocatedBytes: 0, apparentBytes: 0 },
      file('notes\ndata.img'),
      file('data.img\n'),
      file('../data.img'),
      link('x.iso'),
      dir('tmp.iso', [{ name: 'unpack', type: 'dir' }]),
    ]);
    const plan = decideDiskDelete('/s/vm', listing, 'vm');
    expect(plan).toMatchObject({ kind: 'files', remove: [STORAGE_MARKER] });
    expect(plan.keep).toHaveLength(8);
  });

  it('a marker that is not Porthole’s, or names another machine, makes no folder this machine’s', () => {
    for (const marker of [
      null,
      '{',
      '{"machineId":"vm"}',
      'null',
      '"vm"',
      JSON.stringify({ machineId: 'vm2', createdAt: 'x' }),
    ]) {
      const plan = decideDiskDelete('/s/vm', folder([file(STORAGE_MARKER), ...image()], { marker }), 'vm');
      expect(plan.kind).toBe('files');
      expect(plan.keep).toContain(STORAGE_MARKER);
      // Not Porthole's folder: an ISO goes only when windows.base names it.
      expect(plan.keep).toContain('win11x64.iso');
    }
  });

  it('what the folder held when it was given to the machine is never in the plan, and the folder stays', () => {
    const listing = folder([file(STORAGE_MARKER), ...image(), file('notes.txt')]);
    const plan = decideDiskDelete('/s/vm', listing, 'vm', ['tmp', 'notes.txt', 'data.img']);
    expect(plan).toMatchObject({ kind: 'files', keep: ['data.img', 'notes.txt', 'tmp'] });
    expect(
      foreignNames(folder([file(STORAGE_MARKER), ...image(), file('notes.txt')], { base: 'win11x64.iso' })),
    ).toEqual(['notes.txt', 'tmp']);
  });
});
