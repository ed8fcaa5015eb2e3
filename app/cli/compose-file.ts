import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { IMPORT_YAML_MAX_CHARS, PortholeError } from '../api';

/** A compose file larger than this is not a person's compose file (the contract takes at most a million characters). */
const MAX_BYTES = 4 * IMPORT_YAML_MAX_CHARS;
const CHOOSE = 'Choose the compose.yml that runs Windows (docker-compose.yml or compose.yml).';

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Text as editors save it: UTF-8 (a BOM or none), or UTF-16 with its BOM (Windows' Notepad, PowerShell's Out-File). */
export function decodeText(bytes: Buffer, what: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `${what} is not a compose file: it is not text (UTF-8 or UTF-16).`,
      CHOOSE,
    );
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads the compose file a person named, bounded: a folder, a device (/dev/zero), a pipe or a file of
 * gigabytes gets a plain refusal before anything large is read, and an open never waits on a FIFO.
 */
export async function readComposeFile(path: string): Promise<string> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    switch (errno(err)) {
      case 'ENOENT':
      case 'ENOTDIR':
        throw new PortholeError('NOT_FOUND', `There is no file ${path}.`, CHOOSE);
      case 'EACCES':
      case 'EPERM':
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `Porthole may not read ${path}.`,
          'Choose a compose file that you can read.',
        );
      case 'ELOOP':
        throw new PortholeError('INVALID_ARGUMENT', `${path} is a symbolic link that points in a circle.`, CHOOSE);
      default:
        throw new PortholeError('INVALID_ARGUMENT', `Porthole could not open ${path}.`, CHOOSE);
    }
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory())
      throw new PortholeError('INVALID_ARGUMENT', `${path} is a folder, not a compose file.`, CHOOSE);
    if (!info.isFile())
      throw new PortholeError('INVALID_ARGUMENT', `${path} is not a file (a device, a pipe or a socket).`, CHOOSE);
    if (info.size > MAX_BYTES)
      throw new PortholeError('INVALID_ARGUMENT', `${path} is too large to be a compose file.`, CHOOSE);
    const buffer = Buffer.alloc(Math.min(info.size, MAX_BYTES) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled === buffer.length)
        throw new PortholeError('INVALID_ARGUMENT', `${path} is too large to be a compose file.`, CHOOSE);
    }
    return decodeText(buffer.subarray(0, filled), path);
  } finally {
    await handle.close();
  }
}

/** All of standard input, bounded like a file (`porthole import -`). */
export async function readComposeStdin(input: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > MAX_BYTES)
      throw new PortholeError('INVALID_ARGUMENT', 'Standard input is too large to be a compose file.', CHOOSE);
    chunks.push(bytes);
  }
  return decodeText(Buffer.concat(chunks), 'Standard input');
}
