import type Docker from 'dockerode';
import { Readable } from 'node:stream';
import { PortholeError } from '../../api';
import { presentImages } from '../engine/images';
import { PROBE_LABEL } from '../host/engine-host-probe';
import { bounded, fields } from './engine-host-disk';
import type { EngineHostHelpers, HelperMount } from './engine-host-fs';

/**
 * A file of this computer copied to a remote engine's computer through the engine's API only: a tar
 * stream made on the fly (one header, the bytes, the padding; no copy here) sent with the archive upload
 * (PUT /containers/{id}/archive) into a short-lived helper container with the target folder bound, to a
 * temporary name; a second helper checks its size and SHA-256 there and only then links it to its name.
 * The scripts are constants (names reach them as arguments) and bound their own output.
 */

export const TAR_BLOCK = 512;
/** The largest size a tar header's octal field holds (11 digits); larger sizes are written in base 256 (GNU, read by Go). */
const OCTAL_SIZE_MAX = 8 ** 11 - 1;
/** The bytes read from the file at a time. */
const CHUNK = 1024 * 1024;

/** The copy's temporary name there: ours (a prefix stale leftovers are known by), ASCII, short. */
export const PARTIAL_PREFIX = '.porthole-upload-';
export const PARTIAL_SUFFIX = '.part';

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(value.toString(8).padStart(length - 1, '0') + '\0', offset, length, 'ascii');
}

/** A ustar header for one regular file `name` (ASCII, under 100 bytes) of `size` bytes, mode 0644, owned by root. */
export function tarHeader(name: string, size: number, mtimeSeconds: number): Buffer {
  if (!/^[\x21-\x7e]{1,99}$/.test(name)) throw new Error(`not a tar entry name Porthole writes: ${name}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new Error(`not a file size: ${size}`);
  const header = Buffer.alloc(TAR_BLOCK);
  header.write(name, 0, 100, 'ascii');
  writeOctal(header, 100, 8, 0o644);
  writeOctal(header, 108, 8, 0);
  writeOctal(header, 116, 8, 0);
  if (size <= OCTAL_SIZE_MAX) writeOctal(header, 124, 12, size);
  else {
    // Base 256: the first byte's high bit set, the number big-endian in the rest of the field.
    header[124] = 0x80;
    let rest = BigInt(size);
    for (let at = 135; at > 124; at -= 1) {
      header[at] = Number(rest & 0xffn);
      rest >>= 8n;
    }
  }
  writeOctal(header, 136, 12, Math.max(0, Math.floor(mtimeSeconds)));
  header.fill(0x20, 148, 156); // the checksum is summed with its own field as spaces
  header[156] = 0x30; // '0': a regular file
  header.write('ustar\0' + '00', 257, 8, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return header;
}

/** The zeros after `size` bytes of data, up to the next block. */
export function tarPadding(size: number): number {
  return (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
}

/**
 * One file as a tar archive: its header, exactly `size` bytes of `source` (more are not sent; fewer fail:
 * the file shrank while it was read), the padding and the two zero blocks that end an archive.
 * `onBytes` sees each piece of the file's bytes as it is taken.
 */
export async function* tarOfOneFile(
  name: string,
  size: number,
  mtimeSeconds: number,
  source: AsyncIterable<Uint8Array>,
  onBytes: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  yield tarHeader(name, size, mtimeSeconds);
  let sent = 0;
  for await (const piece of source) {
    const chunk = piece.subarray(0, size - sent);
    if (chunk.length === 0) break;
    sent += chunk.length;
    onBytes(chunk);
    yield chunk;
    if (sent === size) break;
  }
  if (sent < size) throw new Error(`the file became shorter while it was copied (${sent} of ${size} bytes)`);
  yield Buffer.alloc(tarPadding(size) + 2 * TAR_BLOCK);
}

/** Reads `size` bytes of an open file from the start, a chunk at a time. */
export async function* fileChunks(
  handle: {
    read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  },
  size: number,
): AsyncGenerator<Uint8Array> {
  let at = 0;
  while (at < size) {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, size - at));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
    if (bytesRead === 0) return;
    at += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/**
 * /d is the target folder. $1: the local file's size; the rest: candidate names. Removes our own partial
 * files nobody wrote to for 10 minutes (a copy cut by a crash: a live one writes every minute at least).
 * Says each candidate's kind and size (a SHA-256 only for a regular file of the local size), and the free space.
 */
export const LOOK_SCRIPT = bounded(
  [
    'size="$1"; shift',
    'if [ ! -d /d ] || [ -L /d ]; then echo folder=missing; exit 0; fi',
    `find /d -maxdepth 1 -type f -name '${PARTIAL_PREFIX}*${PARTIAL_SUFFIX}' -mmin +10 -exec rm -f -- {} + 2>/dev/null`,
    'i=0',
    'for name in "$@"; do',
    '  p="/d/$name"',
    '  if [ -L "$p" ] || { [ -e "$p" ] && [ ! -f "$p" ]; }; then echo "there=$i other"',
    '  elif [ -f "$p" ]; then s=$(stat -c %s -- "$p"); h=none',
    '    if [ "$s" = "$size" ] && command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum < "$p" | cut -c1-64); fi',
    '    echo "there=$i file $s $h"',
    '  fi',
    '  i=$((i+1))',
    'done',
    'echo "free=$(df -Pk /d | tail -n 1)"',
    'echo looked=yes',
  ].join('\n'),
);

/**
 * /d is the target folder; $1 the partial file, $2 its expected size, $3 its expected SHA-256; the rest, the
 * names to give it, first free one wins. A hard link never replaces a file that appeared meanwhile; where
 * the file system has none, `mv -n` (and a check that it moved). Anything wrong: the partial file goes.
 */
export const PLACE_SCRIPT = bounded(
  [
    't="/d/$1"; size="$2"; want="$3"; shift 3',
    'if [ ! -f "$t" ] || [ -L "$t" ]; then echo fail=missing; exit 0; fi',
    's=$(stat -c %s -- "$t")',
    'if [ "$s" != "$size" ]; then rm -f -- "$t"; echo "fail=size $s"; exit 0; fi',
    'h=none',
    'if command -v sha256sum >/dev/null 2>&1; then h=$(sha256sum < "$t" | cut -c1-64); fi',
    'if [ "$h" != none ] && [ "$h" != "$want" ]; then rm -f -- "$t"; echo "fail=hash $h"; exit 0; fi',
    'chmod 644 -- "$t"',
    'i=0',
    'for name in "$@"; do',
    '  p="/d/$name"',
    '  if ln -- "$t" "$p" 2>/dev/null; then rm -f -- "$t"; echo "placed=$i $h"; sync -- "$p" /d 2>/dev/null; exit 0; fi',
    '  if [ ! -e "$p" ] && [ ! -L "$p" ] && mv -n -- "$t" "$p" 2>/dev/null && [ ! -e "$t" ]; then echo "placed=$i $h"; exit 0; fi',
    '  i=$((i+1))',
    'done',
    'rm -f -- "$t"; echo fail=taken',
  ].join('\n'),
);

/** /d is the target folder; removes the partial file $1 (a cancelled or failed copy). */
export const REMOVE_PARTIAL_SCRIPT = bounded(
  'p="/d/$1"; if [ -f "$p" ] && [ ! -L "$p" ]; then rm -f -- "$p"; fi; echo removed=yes',
);

/** What is at one candidate name there. */
export type NameThere = { kind: 'other' } | { kind: 'file'; size: number; sha256: string | null };

export interface TargetLook {
  folder: boolean;
  /** By the candidate's index; absent: free. */
  names: Map<number, NameThere>;
  freeBytes: number | null;
}

const SHA = /^[0-9a-f]{64}$/;

/** LOOK_SCRIPT's answer; null when it gave none. */
export function parseLook(output: string, candidates: number): TargetLook | null {
  if (fields(output, 'folder').includes('missing')) return { folder: false, names: new Map(), freeBytes: null };
  if (!fields(output, 'looked').includes('yes')) return null;
  const names = new Map<number, NameThere>();
  for (const line of fields(output, 'there')) {
    const [index, kind, size, sha] = line.split(' ');
    const i = Number(index);
    if (!Number.isInteger(i) || i < 0 || i >= candidates) continue;
    if (kind === 'other') names.set(i, { kind: 'other' });
    else if (kind === 'file' && /^\d{1,18}$/.test(size ?? ''))
      names.set(i, { kind: 'file', size: Number(size), sha256: sha && SHA.test(sha) ? sha : null });
  }
  // df -Pk: the available 1 KiB blocks are the third field from the end (a device name may hold spaces).
  const df = fields(output, 'free')[0]?.trim().split(/\s+/) ?? [];
  const avail = df.length >= 6 ? df[df.length - 3]! : '';
  return { folder: true, names, freeBytes: /^\d{1,18}$/.test(avail) ? Number(avail) * 1024 : null };
}

/** PLACE_SCRIPT's answer: the index of the name the copy got and its SHA-256 there (null: none computed), or why not. */
export function parsePlace(output: string): { placed: number; sha256: string | null } | { failed: string } {
  const placed = fields(output, 'placed')[0];
  if (placed !== undefined) {
    const [index, sha] = placed.split(' ');
    return { placed: Number(index), sha256: sha && SHA.test(sha) ? sha : null };
  }
  if (/No space left on device|Disk quota exceeded/i.test(output)) return { failed: 'nospace' };
  return { failed: (fields(output, 'fail')[0] ?? 'unknown').split(' ')[0]! };
}

/** How many names are tried: `name.iso`, `name (2).iso` … `name (9).iso`. */
export const MAX_CANDIDATES = 9;

/**
 * The names the copy may take there, in order: the file's own name, then `name (2).iso` and on (the
 * way file managers name a second copy). The name is made safe to keep there: no control character or
 * slash, not hidden, at most 200 bytes.
 */
export function candidateNames(fileName: string): string[] {
  let name = Array.from(fileName, (c) => (c.charCodeAt(0) < 0x20 || c === '\x7f' || c === '/' || c === '\\' ? '_' : c))
    .join('')
    .replace(/^\.+/, '_');
  while (Buffer.byteLength(name) > 200) name = name.slice(0, -1);
  if (name === '' || name === '_') name = 'custom.iso';
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return [name, ...Array.from({ length: MAX_CANDIDATES - 1 }, (_, i) => `${stem} (${i + 2})${ext}`)];
}

/** What to do about the names there: reuse a byte-identical file, copy to the first free name, or refuse. */
export type TargetChoice = { action: 'reuse'; index: number } | { action: 'copy'; index: number } | { action: 'full' };

/**
 * The decision, given what is at each candidate name there and the local file (its SHA-256 known only
 * once a same-size file there made it worth computing). A file of the name that is byte-identical (same
 * size and SHA-256) is reused: nothing is sent. A different one is never replaced (a machine may boot from
 * it, and a person may want it): the copy takes the next free name, and the answer says so.
 */
export function chooseTarget(
  names: ReadonlyMap<number, NameThere>,
  local: { size: number; sha256: string | null },
  count = MAX_CANDIDATES,
): TargetChoice {
  for (let i = 0; i < count; i += 1) {
    const there = names.get(i);
    if (!there) return { action: 'copy', index: i };
    if (there.kind === 'file' && there.size === local.size && there.sha256 !== null && there.sha256 === local.sha256)
      return { action: 'reuse', index: i };
  }
  return { action: 'full' };
}

/** Whether any candidate there could be the same file: then the local SHA-256 is worth computing before the copy. */
export function worthHashing(names: ReadonlyMap<number, NameThere>, size: number): boolean {
  return [...names.values()].some((n) => n.kind === 'file' && n.size === size && n.sha256 !== null);
}

/** A copy: 2 minutes to start, plus 512 KiB/s of data (a slow uplink); a 6 GB ISO gets about 3 1/2 hours. */
export function uploadDeadlineMs(bytes: number): number {
  return 120_000 + Math.ceil(bytes / (512 * 1024)) * 1000;
}
/** Reading the file there for its SHA-256: a minute to start plus 20 MiB/s (a slow disk there). */
export function hashDeadlineMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / (20 * 1024 * 1024)) * 1000;
}
/** No bytes taken by the engine for this long: the copy has failed. */
export const IDLE_MS = 60_000;

/** How the upload ended early. */
export class UploadStopped extends Error {
  constructor(
    readonly reason: 'cancelled' | 'idle' | 'deadline' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export interface UploadOptions {
  docker: Docker;
  /** Images the helper may run in, first present wins (the machines'); never pulled. */
  images: string[];
  host: string;
  folder: string;
  partial: string;
  size: number;
  mtimeSeconds: number;
  source: AsyncIterable<Uint8Array>;
  onBytes: (chunk: Uint8Array) => void;
  signal: AbortSignal;
  idleMs?: number;
  deadlineMs?: number;
}

/**
 * Sends the file into `folder/partial` there: a helper container (sleeping, removed by the engine when it
 * ends, so one left by a crash goes by itself) with the folder bound at /d, the archive uploaded into it.
 * Stopped by the signal, by IDLE_MS without a byte taken, or by the deadline: the request is destroyed and
 * the helper removed. The partial file's removal is the caller's.
 */
export async function uploadToFolder(o: UploadOptions): Promise<void> {
  const images = await presentImages(o.docker, o.images, o.host);
  const image = [...images.wanted, ...images.others][0];
  if (!image)
    throw new PortholeError(
      'ENGINE_UNAVAILABLE',
      'Porthole copies files to the engine’s computer in a short-lived container of an image already there, and the engine has none yet.',
      'Pull a machine image on the engine first, or create a machine there (its image is downloaded then).',
    );
  const deadlineMs = o.deadlineMs ?? uploadDeadlineMs(o.size);
  const container = await o.docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c', 'sleep "$1"', 'porthole-upload'],
    Cmd: [String(Math.ceil(deadlineMs / 1000) + 60)],
    NetworkDisabled: true,
    Labels: { [PROBE_LABEL]: 'iso-upload' },
    HostConfig: {
      AutoRemove: true,
      Mounts: [{ Type: 'bind', Source: o.folder, Target: '/d', ReadOnly: false }],
    },
  });
  try {
    await container.start();
    await sendArchive(container, o, deadlineMs);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

async function sendArchive(container: Docker.Container, o: UploadOptions, deadlineMs: number): Promise<void> {
  let last = Date.now();
  const archive = Readable.from(
    tarOfOneFile(o.partial, o.size, o.mtimeSeconds, o.source, (chunk) => {
      last = Date.now();
      o.onBytes(chunk);
    }),
  );
  // A stop aborts the request itself and ends the wait at once: destroying the stream alone waits for a read
  // that may never come back (a stalled file), and the engine may never answer a request it stopped reading.
  const request = new AbortController();
  let failure: unknown;
  let stopped: (err: unknown) => void = () => undefined;
  const stop = new Promise<never>((_, reject) => (stopped = reject));
  const fail = (err: unknown): void => {
    failure ??= err;
    stopped(failure);
    request.abort();
    archive.destroy();
  };
  archive.on('error', (err) => (failure ??= err));
  const idleMs = o.idleMs ?? IDLE_MS;
  const watch = setInterval(
    () => {
      if (Date.now() - last > idleMs)
        fail(new UploadStopped('idle', `the engine took no bytes for ${Math.round(idleMs / 1000)} s`));
    },
    Math.min(5000, idleMs / 4),
  );
  const deadline = setTimeout(
    () => fail(new UploadStopped('deadline', `the copy did not finish within ${Math.round(deadlineMs / 60_000)} min`)),
    deadlineMs,
  );
  const cancel = (): void => fail(new UploadStopped('cancelled', 'the copy was cancelled'));
  if (o.signal.aborted) cancel();
  o.signal.addEventListener('abort', cancel, { once: true });
  try {
    await Promise.race([container.putArchive(archive, { path: '/d', abortSignal: request.signal }), stop]);
  } catch (err) {
    throw failure ?? err;
  } finally {
    clearInterval(watch);
    clearTimeout(deadline);
    o.signal.removeEventListener('abort', cancel);
    archive.destroy();
  }
  // The engine may answer before it saw an error the stream ended with.
  if (failure) throw failure;
}

/** The target folder bound at /d, writable. */
export function folderMount(folder: string): HelperMount[] {
  return [{ source: folder, target: '/d', write: true }];
}

/** Runs one of the scripts above there (the target folder at /d). */
export function runInFolder(
  fs: EngineHostHelpers,
  folder: string,
  script: string,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  return fs.run(folderMount(folder), script, args, { timeoutMs });
}
