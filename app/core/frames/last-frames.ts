import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { LAST_FRAME_MAX_BYTES, LAST_FRAME_MAX_SIDE, PortholeError } from '../../api';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The picture's size from its IHDR chunk, or null when the bytes are not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 33 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function refuse(message: string): never {
  throw new PortholeError(
    'INVALID_ARGUMENT',
    message,
    'Send a PNG picture of the screen, at most 1024 pixels a side and 512 KB.',
  );
}

/**
 * The last picture of each machine's screen, so a stopped machine's tile still shows it (dimmed):
 * one small PNG per machine in `$XDG_CACHE_HOME/porthole/frames/<id>.png`. It is a cache: losing it
 * loses only a picture. The bytes come from the UI (which drew them from the guest's screen): checked
 * to be a PNG of bounded size before they are kept, and read back bounded, never through a link.
 */
export class LastFrames {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    // Ids are schema-checked ([a-z0-9-]): no path can leave the folder.
    return join(this.dir, `${id}.png`);
  }

  async save(id: string, base64: string): Promise<void> {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) refuse('The picture is not base64.');
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length > LAST_FRAME_MAX_BYTES) refuse('The picture is too large.');
    const size = pngSize(bytes);
    if (!size) refuse('The picture is not a PNG.');
    if (size.width < 1 || size.height < 1 || size.width > LAST_FRAME_MAX_SIDE || size.height > LAST_FRAME_MAX_SIDE)
      refuse('The picture is too large.');
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const tmp = join(this.dir, `.${id}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(
        tmp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      // rename replaces a link at the destination itself, never what it points to.
      await rename(tmp, this.file(id));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The stored picture as base64, or null when there is none (or what is there is not one of ours). */
  async load(id: string): Promise<string | null> {
    let handle;
    try {
      handle = await open(this.file(id), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch {
      return null;
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile() || stat.size > LAST_FRAME_MAX_BYTES) return null;
      const buffer = Buffer.alloc(stat.size);
      const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
      const bytes = buffer.subarray(0, bytesRead);
      return pngSize(bytes) ? bytes.toString('base64') : null;
    } finally {
      await handle.close();
    }
  }

  async forget(id: string): Promise<void> {
    await rm(this.file(id), { force: true });
  }
}
