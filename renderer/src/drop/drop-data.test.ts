// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { carriesFiles, parseUriList, pathFromFileUri, readDrop, type DropData } from './drop-data';

function drop({
  files = [],
  uriList,
  folder = false,
}: {
  files?: File[];
  uriList?: string;
  folder?: boolean;
}): DropData {
  const types = [...(files.length > 0 ? ['Files'] : []), ...(uriList !== undefined ? ['text/uri-list'] : [])];
  return {
    types,
    files,
    items: files.map(() => ({ kind: 'file', webkitGetAsEntry: () => ({ isDirectory: folder }) })),
    getData: (format) => (format === 'text/uri-list' ? (uriList ?? '') : ''),
  };
}

const iso = (name = 'Win11.iso'): File => new File(['x'], name);

describe('text/uri-list', () => {
  it('keeps one URI a line, skipping comments and blank lines, CRLF or LF', () => {
    expect(parseUriList('# from the file manager\r\nfile:///a.iso\r\n\r\nfile:///b.iso\n')).toEqual([
      'file:///a.iso',
      'file:///b.iso',
    ]);
    expect(parseUriList('')).toEqual([]);
  });

  it('turns a file URI into its path, decoding escapes', () => {
    expect(pathFromFileUri('file:///home/ada/My%20ISOs/Win%C3%A911.iso')).toEqual({
      kind: 'path',
      path: '/home/ada/My ISOs/Winé11.iso',
    });
    expect(pathFromFileUri('file://localhost/tmp/x.iso')).toEqual({ kind: 'path', path: '/tmp/x.iso' });
  });

  it.each([
    ['https://example.org/Win11.iso', /is a web address, not a file on this computer/],
    ['file://nas.local/share/Win11.iso', /is on another computer \(nas.local\)/],
    ['file:///home/ada/isos/', /is a folder, not an ISO file/],
    ['not a uri', /cannot read “not a uri” as the address of a file/],
    ['file:///bad%ZZescape.iso', /cannot read the file name/],
  ])('refuses %s', (uri, message) => {
    const offer = pathFromFileUri(uri);
    expect(offer.kind).toBe('refused');
    expect(offer.kind === 'refused' ? offer.message : '').toMatch(message);
  });
});

describe('reading a drop', () => {
  it('ignores drags that carry no file (text, links in the page)', () => {
    expect(carriesFiles(['text/plain'])).toBe(false);
    expect(carriesFiles(['Files'])).toBe(true);
    expect(carriesFiles(['text/uri-list'])).toBe(true);
    expect(readDrop({ types: ['text/plain'], files: [], getData: () => 'hello' })).toBeNull();
  });

  it('refuses several files, whether as files or as URIs', () => {
    expect(readDrop(drop({ files: [iso('a.iso'), iso('b.iso')] }))).toEqual({
      kind: 'refused',
      message: 'You dropped 2 files. Drop one ISO file at a time.',
    });
    expect(readDrop(drop({ uriList: 'file:///a.iso\nfile:///b.iso\nfile:///c.iso' }))).toEqual({
      kind: 'refused',
      message: 'You dropped 3 files. Drop one ISO file at a time.',
    });
  });

  it('refuses a folder, even one named like an ISO', () => {
    const offer = readDrop(drop({ files: [iso('isos.iso')], folder: true }), () => '/home/ada/isos.iso');
    expect(offer).toEqual({
      kind: 'refused',
      message: '“isos.iso” is a folder, not an ISO file. Open it and drop the .iso file that is inside.',
    });
  });

  it('takes the path the desktop shell gives for the file', () => {
    expect(readDrop(drop({ files: [iso()] }), () => '/home/ada/Win11.iso')).toEqual({
      kind: 'path',
      path: '/home/ada/Win11.iso',
    });
  });

  it('falls back to the uri-list when the shell has no path, and asks for one when neither does', () => {
    expect(readDrop(drop({ files: [iso()], uriList: 'file:///tmp/Win11.iso' }), () => '')).toEqual({
      kind: 'path',
      path: '/tmp/Win11.iso',
    });
    expect(readDrop(drop({ files: [iso()] }))).toEqual({ kind: 'name-only', name: 'Win11.iso' });
    const throwing = (): string => {
      throw new Error('not a real file');
    };
    expect(readDrop(drop({ files: [iso()] }), throwing)).toEqual({ kind: 'name-only', name: 'Win11.iso' });
  });

  it('reads a single file URI without any File (how the web host gets a path)', () => {
    expect(readDrop(drop({ uriList: '#comment\r\nfile:///srv/iso/test%20ipxe.iso\r\n' }))).toEqual({
      kind: 'path',
      path: '/srv/iso/test ipxe.iso',
    });
  });

  it('does not judge a file by its name: fake.iso and disk.img both go to the content check', () => {
    expect(readDrop(drop({ uriList: 'file:///tmp/fake.iso' }))).toEqual({ kind: 'path', path: '/tmp/fake.iso' });
    expect(readDrop(drop({ uriList: 'file:///tmp/windows.img' }))).toEqual({ kind: 'path', path: '/tmp/windows.img' });
  });
});
