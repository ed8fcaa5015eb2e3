// Apps folders as a hostile Windows writes them, for the tests of folder.ts and of the transports that carry a list.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A PNG as far as Porthole checks one (its signature), `size` bytes long. */
export function fakePng(size: number): Buffer {
  const png = Buffer.alloc(size, 0x41);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  return png;
}

/** The n-th program id (12 hex digits). */
export function appId(n: number): string {
  return n.toString(16).padStart(12, '0');
}

/** `count` programs, each naming the icon `icon` (a name in icons/, or null). */
export function appsList(count: number, icon: (n: number) => string | null): string {
  const apps = Array.from({ length: count }, (_, n) => ({
    id: appId(n),
    name: `Program ${n}`,
    target: `C:\\p\\${n}.exe`,
    args: '',
    source: 'start-menu',
    icon: icon(n),
  }));
  return JSON.stringify({ format: 'porthole-apps/1', written: '2026-12-01T00:00:00Z', apps });
}

/** Writes `<shared>/.porthole/apps/apps.json` (and makes `icons/`); returns the apps folder. */
export async function writeAppsFolder(shared: string, list: string | Buffer): Promise<string> {
  const dir = join(shared, '.porthole', 'apps');
  await mkdir(join(dir, 'icons'), { recursive: true });
  await writeFile(join(dir, 'apps.json'), list);
  return dir;
}

/** What a host file outside the shared folder holds: it must never appear in what Porthole says. */
export const HOST_SECRET = 'root:$6$HOSTSECRETHASH:19000:0:99999:7:::';
