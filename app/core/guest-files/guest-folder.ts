import { constants } from 'node:fs';
import { lstat, open, readlink, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/**
 * Reading files from a folder the guest can write (a shared folder Windows writes through Samba, the storage
 * folder the image writes). Such a folder is hostile input: a name may be a symlink (the container's Samba
 * makes links that resolve on this computer, to /etc/shadow or /dev/zero), a FIFO, a device, or a file of
 * any size, and any of them may be swapped while it is read. So a file is read only when it is a regular
 * file reached through real directories under the trusted root, opened without following a link and
 * without blocking, its kind and size checked on the open handle before a byte is read, and never more than
 * the cap read. A refusal says which file and why, never what it holds.
 */

export type GuestFileRefusal =
  'missing' | 'link' | 'linked-folder' | 'not-a-file' | 'too-large' | 'over-budget' | 'moved' | 'unreadable';

export type GuestFileRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; refusal: GuestFileRefusal; /** Plain words, content-free: "is a symbolic link". */ why: string };

export interface GuestReadOptions {
  /** The most bytes the file may hold; a larger one is refused unread. */
  maxBytes: number;
  /** Asked with the file's size once it is open and before it is read: false refuses it (a caller's total budget). */
  allow?(size: number): boolean;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;
const CHUNK = 64 * 1024;

function refused(refusal: GuestFileRefusal, why: string): GuestFileRead {
  return { ok: false, refusal, why };
}

function kindOf(info: {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return info.isFile() ? 'a file' : 'not a regular file';
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? 'error';
}

/** A failed system call as plain words: its error code only (Node's message carries the path and nothing more useful). */
function failure(error: unknown): GuestFileRead {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return refused('missing', 'is missing');
  if (code === 'ELOOP' || code === 'EMLINK')
    return refused('link', 'is a symbolic link; Porthole does not follow links out of the folder');
  return refused('unreadable', `cannot be read (${code})`);
}

/** One trusted root (the folder the person chose) and the files under it the guest writes. */
export class GuestFolder {
  private rootReal: Promise<string | null> | null = null;
  /** Directories already found real (not links) during this folder's life: a listing reads many icons from one. */
  private readonly checkedDirs = new Map<string, Promise<GuestFileRead | null>>();

  constructor(readonly root: string) {}

  /** Reads `relative` (slash-separated, no `..`) under the root, or says why not. Never throws, never blocks on the file. */
  async read(relative: string, options: GuestReadOptions): Promise<GuestFileRead> {
    const parts = relative.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 0 || parts.includes('..')) return refused('unreadable', 'is not a name inside the folder');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      let check = this.checkedDirs.get(dir);
      if (!check) {
        check = this.checkDir(dir);
        this.checkedDirs.set(dir, check);
      }
      const problem = await check;
      if (problem) return problem;
    }
    const path = join(this.root, ...parts);
    // Looked at before opening, so a device or FIFO is not even opened (an open can have effects); checked
    // again on the handle, which is what is read.
    let before;
    try {
      before = await lstat(path);
    } catch (error) {
      return failure(error);
    }
    if (!before.isFile())
      return before.isSymbolicLink()
        ? refused('link', 'is a symbolic link; Porthole does not follow links out of the folder')
        : refused('not-a-file', `is ${kindOf(before)}, not a file`);
    if (before.size > options.maxBytes)
      return refused('too-large', `is ${before.size} bytes, more than the ${options.maxBytes} it may be`);

    let handle;
    try {
      handle = await open(path, OPEN_FLAGS);
    } catch (error) {
      return failure(error);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) return refused('not-a-file', `is ${kindOf(info)}, not a file`);
      if (info.dev !== before.dev || info.ino !== before.ino) return refused('moved', 'changed while it was read');
      if (info.size > options.maxBytes)
        return refused('too-large', `is ${info.size} bytes, more than the ${options.maxBytes} it may be`);
      if (!(await this.opensInside(handle.fd, parts)))
        return refused('linked-folder', 'is reached through a link out of the folder');
      if (options.allow && !options.allow(info.size))
        return refused('over-budget', 'is past what Porthole reads from the folder at once');
      // A file may grow after fstat: read at most one byte past the cap, which tells that it did.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const want = Math.min(CHUNK, options.maxBytes + 1 - total);
        if (want <= 0) break;
        const chunk = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(chunk, 0, want, total);
        if (bytesRead === 0) break;
        chunks.push(bytesRead === want ? chunk : chunk.subarray(0, bytesRead));
        total += bytesRead;
      }
      if (total > options.maxBytes) return refused('too-large', `is more than the ${options.maxBytes} bytes it may be`);
      return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
    } catch (error) {
      return failure(error);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** A directory on the way must be a real one: a link there would lead the read out of the folder. */
  private async checkDir(dir: string): Promise<GuestFileRead | null> {
    try {
      const info = await lstat(join(this.root, dir));
      if (info.isSymbolicLink())
        return refused(
          'linked-folder',
          `is in ${dir}, which is a symbolic link; Porthole does not follow links out of the folder`,
        );
      if (!info.isDirectory()) return refused('missing', 'is missing');
      return null;
    } catch (error) {
      return failure(error);
    }
  }

  /**
   * Where the open handle really is (Linux names it in /proc/self/fd) must be the asked-for path under the
   * root: a directory swapped for a link between the checks and the open is caught here, on what is read.
   * Without /proc the directory checks stand alone.
   */
  private async opensInside(fd: number, parts: string[]): Promise<boolean> {
    this.rootReal ??= realpath(this.root).catch(() => null);
    const root = await this.rootReal;
    const actual = await readlink(`/proc/self/fd/${fd}`).catch(() => null);
    if (root === null || actual === null) return true;
    return actual === join(root, ...parts) && actual.startsWith(root === sep ? sep : `${root}${sep}`);
  }
}

/** One file of a guest-writable folder, read as GuestFolder reads it. */
export function readGuestFile(root: string, relative: string, options: GuestReadOptions): Promise<GuestFileRead> {
  return new GuestFolder(root).read(relative, options);
}
