import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isInsidePath, PortholeError } from '../../api';
import { ISO_MIN_BYTES, type IsoInfo } from '../../api/iso';

const SECTOR = 2048;
/** Both ISO 9660 volume descriptors and the UDF volume recognition sequence start at sector 16. */
const FIRST_DESCRIPTOR_SECTOR = 16;
/** Enough for the ISO 9660 set, its terminator and a UDF BEA01/NSR0x/TEA01 sequence behind it. */
const MAX_DESCRIPTOR_SECTORS = 64;
/** UDF keeps its anchor volume descriptor pointer at sector 256. */
const UDF_ANCHOR_SECTOR = 256;

const REMEDY_CHOOSE = 'Choose the ISO file again (a Windows or other bootable .iso of 10 MB or more).';

function invalid(message: string, remedy = REMEDY_CHOOSE): PortholeError {
  return new PortholeError('ISO_INVALID', message, remedy);
}

function errnoOf(err: unknown): string | undefined {
  return err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined;
}

/**
 * What to do about an ISO Porthole may not read. Only a file in the user's own home gets a command (u+r: the
 * owner's bit, nobody else's); a file elsewhere belongs to the system or someone else, and loosening its
 * permissions could expose secrets (`/etc/shadow` is "an ISO" too if a person picks it): choose another.
 */
function unreadableRemedy(path: string, home: string): string {
  if (isInsidePath(path, home) && path !== home)
    return `Make the file readable for yourself (chmod u+r "${path}") or choose another.`;
  return 'Choose an ISO file that you can read, such as one you downloaded into your home folder.';
}

/** The user-facing error for a failed open of a custom ISO. */
export function openFailure(path: string, err: unknown, home = process.env.HOME || homedir()): PortholeError {
  switch (errnoOf(err)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return invalid(`The custom ISO ${path} does not exist: it may have been moved, renamed or deleted.`);
    case 'EACCES':
    case 'EPERM':
      return invalid(`Porthole is not allowed to read the custom ISO ${path}.`, unreadableRemedy(path, home));
    case 'ELOOP':
      return invalid(`The custom ISO ${path} is a symbolic link that points in a circle.`);
    default:
      return invalid(
        `Porthole could not open the custom ISO ${path}: ${err instanceof Error ? err.message : String(err)}.`,
      );
  }
}

async function openForReading(path: string): Promise<FileHandle> {
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a terminal must not become ours.
    return await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    throw openFailure(path, err);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** An OSTA CS0 "dstring": a compression id (8: one byte per char, 16: UTF-16BE), the text, and its length in the last byte. */
function dstring(field: Uint8Array): string | undefined {
  const used = field[field.length - 1] ?? 0;
  if (used < 2 || used > field.length - 1) return undefined;
  const compression = field[0];
  const body = field.subarray(1, used);
  if (compression === 8) return String.fromCharCode(...body).trim() || undefined;
  if (compression === 16) {
    let text = '';
    for (let i = 0; i + 1 < body.length; i += 2) text += String.fromCharCode((body[i]! << 8) | body[i + 1]!);
    return text.trim() || undefined;
  }
  return undefined;
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** The UDF volume name: the logical volume identifier, else the primary volume identifier. Best effort. */
async function udfLabel(handle: FileHandle, size: number): Promise<string | undefined> {
  if (size < (UDF_ANCHOR_SECTOR + 1) * SECTOR) return undefined;
  const anchor = await readAt(handle, UDF_ANCHOR_SECTOR * SECTOR, SECTOR);
  if (anchor.length < 24 || u16(anchor, 0) !== 2) return undefined;
  const length = u32(anchor, 16);
  const location = u32(anchor, 20);
  const sectors = Math.min(Math.ceil(length / SECTOR), 32);
  if (sectors === 0 || location * SECTOR + sectors * SECTOR > size) return undefined;
  const sequence = await readAt(handle, location * SECTOR, sectors * SECTOR);
  let primary: string | undefined;
  for (let offset = 0; offset + SECTOR <= sequence.length; offset += SECTOR) {
    const tag = u16(sequence, offset);
    if (tag === 1) primary ??= dstring(sequence.subarray(offset + 24, offset + 24 + 32));
    if (tag === 6) {
      const logical = dstring(sequence.subarray(offset + 84, offset + 84 + 128));
      if (logical) return logical;
    }
    if (tag === 8) break;
  }
  return primary;
}

const RECOGNISED = new Set(['CD001', 'BEA01', 'NSR02', 'NSR03', 'TEA01', 'BOOT2', 'CDW02']);

/** Where the recognition sequence is read: the bytes readDescriptors takes. */
export const DESCRIPTOR_BYTES = {
  start: FIRST_DESCRIPTOR_SECTOR * SECTOR,
  length: MAX_DESCRIPTOR_SECTORS * SECTOR,
} as const;

/** The image refuses an ISO under 10 MB: said with the size found. */
export function assertIsoSize(path: string, size: number): void {
  if (size >= ISO_MIN_BYTES) return;
  const shown = size < 1_000_000 ? `${size} bytes` : `${(size / 1_000_000).toFixed(1)} MB`;
  throw invalid(
    `${path} is only ${shown}; the Windows image refuses ISO files under 10 MB.`,
    'Choose the complete ISO file. A download that stopped early is smaller than the real one.',
  );
}

/** A path that is not a regular file, said as inspectIso says it. */
export function notAnIsoFile(path: string, kind: 'missing' | 'folder' | 'other'): PortholeError {
  if (kind === 'missing')
    return invalid(`The custom ISO ${path} does not exist: it may have been moved, renamed or deleted.`);
  if (kind === 'folder')
    return invalid(`${path} is a folder, not an ISO file.`, 'Open the folder and choose the .iso file inside it.');
  return invalid(`${path} is not a regular file (it is a device, pipe or socket).`);
}

/**
 * The ISO 9660 / UDF recognition sequence from sector 16 on: which formats the image has, and the
 * ISO 9660 volume label. Refuses a file with neither signature. Shared by the local inspection and
 * the one on a remote engine's computer (storage/engine-host-fs.ts), which reads the same bytes there.
 */
export function readDescriptors(
  path: string,
  descriptors: Uint8Array,
): { iso9660: boolean; udf: boolean; label: string | undefined } {
  let iso9660 = false;
  let udf = false;
  let label: string | undefined;
  for (let offset = 0; offset + SECTOR <= descriptors.length; offset += SECTOR) {
    const id = ascii(descriptors, offset + 1, 5);
    if (!RECOGNISED.has(id)) break; // the recognition sequence ends at the first unknown descriptor
    if (id === 'CD001') {
      iso9660 = true;
      // Primary volume descriptor: type 1, volume identifier at bytes 40..71, space padded.
      if (descriptors[offset] === 1 && label === undefined)
        label = ascii(descriptors, offset + 40, 32).trim() || undefined;
    }
    if (id === 'NSR02' || id === 'NSR03') udf = true;
  }

  if (!iso9660 && !udf) {
    throw invalid(
      `${path} is not an ISO image (no ISO 9660 or UDF signature), whatever its name says.`,
      'Choose a real .iso file. Disk images such as .img, .vhd or .qcow2 cannot be used as a custom ISO.',
    );
  }
  return { iso9660, udf, label };
}

/**
 * Checks that `path` is a custom ISO the image will take: one regular, readable file (symbolic
 * links to one are fine), of 10 MB or more, with an ISO 9660 or UDF signature. Returns what it
 * found; throws PortholeError('ISO_INVALID') with a message and a remedy otherwise.
 *
 * Call it right before creating or starting a container: if the file is gone, Docker would make an
 * empty folder in its place and the machine would fail.
 */
export async function inspectIso(path: string): Promise<IsoInfo> {
  if (!path.startsWith('/')) throw invalid(`The custom ISO must be given as a full path, not “${path}”.`);
  const handle = await openForReading(path);
  try {
    // fstat on the open file: what is read below is what was checked, even if the path changes meanwhile.
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw invalid(`${path} is a folder, not an ISO file.`, 'Open the folder and choose the .iso file inside it.');
    }
    if (!stats.isFile()) {
      throw invalid(`${path} is not a regular file (it is a device, pipe or socket).`);
    }
    assertIsoSize(path, stats.size);

    let descriptors: Uint8Array;
    try {
      descriptors = await readAt(handle, FIRST_DESCRIPTOR_SECTOR * SECTOR, MAX_DESCRIPTOR_SECTORS * SECTOR);
    } catch (err) {
      throw invalid(`Porthole could not read ${path}: ${err instanceof Error ? err.message : String(err)}.`);
    }

    const read = readDescriptors(path, descriptors);
    const { udf } = read;
    let label = read.label;
    if (udf && label === undefined) label = await udfLabel(handle, stats.size).catch(() => undefined);

    const info: IsoInfo = { path, sizeBytes: stats.size, format: udf ? 'udf' : 'iso9660' };
    if (label) info.volumeLabel = label;
    return info;
  } finally {
    await handle.close();
  }
}

/** Reads an ISO on another computer: the remote engine's (storage/engine-host-fs.ts). */
export interface IsoReader {
  inspectIso(path: string): Promise<IsoInfo>;
}

/**
 * What the machine layer calls before create or start; the same checks as inspectIso, on the
 * engine's computer when the engine is remote (the ISO is a file there); none: this computer.
 */
export function assertIsoUsable(path: string, engineHost?: IsoReader): Promise<IsoInfo> {
  return engineHost ? engineHost.inspectIso(path) : inspectIso(path);
}
