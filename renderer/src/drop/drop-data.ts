/** What a drop on the window offers Porthole, before the file itself is checked. */
export type DropOffer =
  /** One file whose path is known: check it with inspectIso. */
  | { kind: 'path'; path: string }
  /** One file, but the browser does not say where it is (the web host): ask for its path. */
  | { kind: 'name-only'; name: string }
  /** Nothing Porthole can use: say why; nothing changes. */
  | { kind: 'refused'; message: string };

/** The parts of a DataTransfer a drop is read from (a plain object in tests). */
export interface DropData {
  readonly types: readonly string[];
  readonly files: ArrayLike<File>;
  readonly items?: ArrayLike<{ kind: string; webkitGetAsEntry?: () => { isDirectory: boolean } | null }> | undefined;
  getData(format: string): string;
}

const URI_LIST = 'text/uri-list';

/** True while something file-like is dragged (files, or a list of URIs): text and links inside the page are not. */
export function carriesFiles(types: readonly string[]): boolean {
  return types.includes('Files') || types.includes(URI_LIST);
}

/** The URIs of a `text/uri-list` (RFC 2483): one a line, `#` lines are comments, CRLF or LF. */
export function parseUriList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

const ONE_AT_A_TIME = 'Drop one ISO file at a time.';

function several(count: number): DropOffer {
  return { kind: 'refused', message: `You dropped ${count} files. ${ONE_AT_A_TIME}` };
}

function folder(name: string): DropOffer {
  return {
    kind: 'refused',
    message: `“${name}” is a folder, not an ISO file. Open it and drop the .iso file that is inside.`,
  };
}

/** The local path of a `file://` URI, or why it cannot be used. */
export function pathFromFileUri(uri: string): DropOffer {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return {
      kind: 'refused',
      message: `Porthole cannot read “${uri}” as the address of a file. Drop the ISO file itself.`,
    };
  }
  if (url.protocol !== 'file:') {
    return {
      kind: 'refused',
      message: `${uri} is a web address, not a file on this computer. Download the ISO first, then drop the downloaded file.`,
    };
  }
  if (url.hostname && url.hostname !== 'localhost') {
    return {
      kind: 'refused',
      message: `${uri} is on another computer (${url.hostname}). Copy the ISO to this computer, then drop it.`,
    };
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return {
      kind: 'refused',
      message: `Porthole cannot read the file name in “${uri}”. Rename the file, then drop it again.`,
    };
  }
  if (!path.startsWith('/') || path.includes('\0')) {
    return { kind: 'refused', message: `Porthole cannot read the file name in “${uri}”. Drop the ISO file itself.` };
  }
  if (path.length > 1 && path.endsWith('/')) return folder(path.replace(/\/+$/, ''));
  return { kind: 'path', path };
}

/**
 * Reads a drop: one file with a path (from the desktop shell, or a `file://` URI in the drop's
 * `text/uri-list`), or why not. Null when nothing file-like was dropped (text, a link in the page).
 * A folder is told apart only where the browser says so; inspectIso refuses the rest.
 */
export function readDrop(data: DropData, pathForFile?: (file: File) => string): DropOffer | null {
  const files = Array.from(data.files);
  const uris = data.types.includes(URI_LIST) ? parseUriList(data.getData(URI_LIST)) : [];
  if (files.length > 1) return several(files.length);
  if (files.length === 1) {
    const file = files[0]!;
    const entry = data.items?.[0]?.webkitGetAsEntry?.();
    if (entry?.isDirectory) return folder(file.name);
    let path = '';
    try {
      path = pathForFile?.(file) ?? '';
    } catch {
      path = '';
    }
    if (path) return { kind: 'path', path };
    if (uris.length === 1) return pathFromFileUri(uris[0]!);
    return { kind: 'name-only', name: file.name };
  }
  if (uris.length > 1) return several(uris.length);
  if (uris.length === 1) return pathFromFileUri(uris[0]!);
  return null;
}
