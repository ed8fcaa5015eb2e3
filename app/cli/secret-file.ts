import { randomBytes } from 'node:crypto';
import { chmod, link, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { PortholeError } from '../api';

/**
 * Writes a file that holds a secret (an exported compose.yml holds the Windows password): mode 0600
 * from its first byte, and atomic, so a reader never sees half of it and a crash leaves no torn file.
 * The content goes to a new file of this process in the same folder first; then it is linked to its
 * name, which fails when the name exists (atomically: no check-then-write race), or, with `overwrite`,
 * renamed over it (an existing file is replaced, never rewritten in place, so its old mode is gone).
 */
export async function writeSecretFile(path: string, data: string, overwrite: boolean): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory()) {
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The folder ${dir} does not exist.`,
      'Create it first, or choose another file.',
    );
  }
  const tmp = join(dir, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    // The umask can only take bits away; chmod makes it exactly 0600 whatever it is.
    await handle.chmod(0o600);
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    if (overwrite) await rename(tmp, target);
    else {
      await link(tmp, target);
      await rm(tmp, { force: true });
    }
  } catch (err) {
    await rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PortholeError(
        'CONFLICT',
        `${target} already exists; it was left as it is.`,
        'Choose another file, or add --force to replace it.',
      );
    }
    if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new PortholeError(
        'INVALID_ARGUMENT',
        `${target} is a folder.`,
        'Give the path of a file, such as compose.yml in that folder.',
      );
    }
    throw err;
  }
  await chmod(target, 0o600);
}
