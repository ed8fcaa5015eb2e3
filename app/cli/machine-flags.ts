// The machine options more than one verb reads: shared folders (create, set) and create's account and locale.
import { resolve } from 'node:path';
import { PortholeError, type MachineDraft, type MachineView, type SharedFolder } from '../api';
import { UsageError } from './options';

/** The options create takes beyond the numbers (arguments.ts parses them). */
export interface CreateValues {
  share?: string[] | undefined;
  user?: string | undefined;
  'password-stdin'?: boolean | undefined;
  language?: string | undefined;
  keyboard?: string | undefined;
}

/** A password is at most 127 characters (the contract's); this bounds what is read for it, in bytes. */
const PASSWORD_STDIN_MAX = 1024;

/**
 * `PATH[:ro]` (or `:rw`) as a shared folder; a relative PATH is taken from the current folder. A colon
 * anywhere else stays in the path, for the backend to refuse by name (the engine cannot mount it).
 */
export function parseShare(text: string): SharedFolder {
  const match = /^(.*?)(?::(ro|rw))?$/.exec(text);
  const path = match?.[1] ?? '';
  if (!path.trim())
    throw new UsageError(`--share takes a folder, such as --share ~/Documents or --share /srv/data:ro, not "${text}".`);
  return { hostPath: resolve(path), readOnly: match?.[2] === 'ro' };
}

/** The machine's shared folders after `--unshare` (first) and `--share` (a folder already shared takes the new read-only choice). */
export function sharesAfter(
  machine: Pick<MachineView, 'id' | 'name' | 'sharedFolders'>,
  share: readonly string[],
  unshare: readonly string[],
): SharedFolder[] {
  let folders = [...machine.sharedFolders];
  for (const text of unshare) {
    const path = resolve(text);
    if (!folders.some((f) => resolve(f.hostPath) === path)) {
      const now = machine.sharedFolders.map((f) => f.hostPath).join(', ') || 'none';
      throw new UsageError(`${machine.name} (${machine.id}) does not share ${path}. Its shared folders: ${now}.`);
    }
    folders = folders.filter((f) => resolve(f.hostPath) !== path);
  }
  for (const text of share) {
    const wanted = parseShare(text);
    const at = folders.findIndex((f) => resolve(f.hostPath) === wanted.hostPath);
    if (at >= 0) folders[at] = { hostPath: folders[at]!.hostPath, readOnly: wanted.readOnly };
    else folders.push(wanted);
  }
  return folders;
}

/**
 * The password on standard input, for `create --password-stdin`: read bounded, one final line break
 * dropped, never echoed. A terminal is refused (what is typed there would show), so it comes from a pipe
 * or a file, never from the command line (where `ps` shows it to everyone).
 */
export async function readPasswordStdin(input: AsyncIterable<unknown> & { isTTY?: boolean }): Promise<string> {
  if (input.isTTY) {
    throw new UsageError(
      '--password-stdin reads the password from a pipe or a file, not the terminal: printf \'%s\' "$PASSWORD" | porthole create ... --password-stdin',
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += bytes.length;
    if (total > PASSWORD_STDIN_MAX) {
      throw new PortholeError(
        'INVALID_ARGUMENT',
        'Standard input holds more than a password: a Windows password is at most 127 characters.',
        'Pass only the password on standard input.',
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Create's draft fields from --share, --user, --password-stdin, --language and --keyboard; the backend validates them. */
export async function createOptions(
  values: CreateValues,
  stdin: AsyncIterable<unknown> & { isTTY?: boolean },
): Promise<Partial<MachineDraft>> {
  const sharedFolders = (values.share ?? []).map(parseShare);
  return {
    ...(sharedFolders.length > 0 ? { sharedFolders } : {}),
    ...(values.user !== undefined ? { username: values.user } : {}),
    ...(values.language !== undefined ? { language: values.language } : {}),
    ...(values.keyboard !== undefined ? { keyboard: values.keyboard } : {}),
    ...(values['password-stdin'] ? { password: await readPasswordStdin(stdin) } : {}),
  };
}
