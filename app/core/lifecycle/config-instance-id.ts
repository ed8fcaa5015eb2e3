import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortholeError } from '../../api';

/** The file in the config dir that names this Porthole configuration on a shared engine. */
export const INSTANCE_FILE = 'instance-id';
const INSTANCE_ID = /^[0-9a-f]{16}$/;

/**
 * The id of the Porthole configuration kept in `configDir`: made once (16 random hex digits) and read
 * by every process on that config from then on. Containers carry it as a label, so two configurations
 * (two users, or a test and the app) on one engine never drive each other's containers.
 *
 * Two processes starting at once must agree: the id is written whole to a file of this process
 * (created with O_EXCL), then hard-linked to its name. link() fails when the name exists, atomically,
 * and the linked file is already complete, so the loser of the race reads the winner's id, never a
 * half-written one.
 */
export function instanceId(configDir: string): string {
  const path = join(configDir, INSTANCE_FILE);
  try {
    return readInstanceId(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const id = randomBytes(8).toString('hex');
  const mine = `${path}.${process.pid}.${id}`;
  writeFileSync(mine, `${id}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(mine, path);
    return id;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readInstanceId(path);
  } finally {
    unlinkSync(mine);
  }
}

function readInstanceId(path: string): string {
  const text = readFileSync(path, 'utf8').trim();
  if (INSTANCE_ID.test(text)) return text;
  throw new PortholeError(
    'INTERNAL',
    `The file ${path} does not hold a Porthole instance id (16 hex digits).`,
    'Restore it from a backup; or, if no machine of this configuration has a container, delete it and Porthole makes a new one.',
  );
}
