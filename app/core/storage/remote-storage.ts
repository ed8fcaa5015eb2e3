import type Docker from 'dockerode';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isInsidePath, PortholeError } from '../../api';
import type { CreateOptions, EngineClient } from '../engine/client';
import { CUSTOM_ISO_TARGET, OEM_TARGET, SHARED_FOLDER_TARGETS, STORAGE_TARGET } from '../machine/spec';
import type { EngineHostFs } from './engine-host-fs';

/** One `source:target[:ro]` of a container spec's Binds (the spec refuses ':' in a path, see spec.ts bindable). */
export function parseBind(bind: string): { source: string; target: string } {
  const [source = '', target = ''] = bind.split(':');
  return { source, target };
}

/**
 * What a machine's container needs on a remote engine's computer, done there right before the
 * engine creates it (the engine binds paths of its own computer, not of this one):
 * - the storage folder: inside Porthole's machines folder (the default, same path there) it is made
 *   there; any other must already be a folder there, or the start is refused with where it looked;
 * - shared folders: must be folders there;
 * - the custom ISO: checked there (the ISO checks of machine/iso.ts, on the file there);
 * - the /oem folder: Porthole's scripts, written here, are copied into the same path there.
 * Every step runs in a short-lived container on that engine (storage/engine-host-fs.ts).
 */
export class RemoteStorage {
  constructor(
    private readonly fs: EngineHostFs,
    private readonly dataDir: string,
  ) {}

  get host(): string {
    return this.fs.host;
  }

  async prepare(spec: Docker.ContainerCreateOptions): Promise<void> {
    const on = `on ${this.fs.host} (the engine's computer)`;
    for (const { source, target } of (spec.HostConfig?.Binds ?? []).map(parseBind)) {
      if (target === STORAGE_TARGET) {
        if (isInsidePath(source, join(this.dataDir, 'machines'))) await this.fs.makeFolder(source);
        else
          await this.mustBeFolder(
            source,
            `storage folder`,
            `Create the folder ${on}, or choose another one in the machine’s settings.`,
          );
      } else if ((SHARED_FOLDER_TARGETS as readonly string[]).includes(target)) {
        await this.mustBeFolder(
          source,
          'shared folder',
          `Create the folder ${on}, or remove it from the machine’s shared folders.`,
        );
      } else if (target === CUSTOM_ISO_TARGET) {
        await this.fs.inspectIso(source);
      } else if (target === OEM_TARGET) {
        await this.fs.writeFiles(source, await readOemFiles(source));
      }
    }
  }

  private async mustBeFolder(path: string, what: string, remedy: string): Promise<void> {
    const kind = await this.fs.kind(path);
    if (kind === 'folder') return;
    const said = kind === 'missing' ? 'does not exist' : 'is a file, not a folder';
    throw new PortholeError(
      'INVALID_ARGUMENT',
      `The ${what} ${path} ${said} on ${this.fs.host} (the engine's computer).`,
      remedy,
    );
  }

  /** The engine client with `create` preparing the engine's computer first; everything else as is. */
  wrap(client: EngineClient): EngineClient {
    const known = this.wrapped.get(client);
    if (known) return known;
    const prepare = (spec: Docker.ContainerCreateOptions): Promise<void> => this.prepare(spec);
    const wrapped = new Proxy(client, {
      get(target, property, receiver) {
        if (property === 'create') {
          return async (spec: Docker.ContainerCreateOptions, how?: CreateOptions): Promise<string> => {
            await prepare(spec);
            return target.create(spec, how);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    this.wrapped.set(client, wrapped);
    return wrapped;
  }

  private readonly wrapped = new WeakMap<EngineClient, EngineClient>();
}

const MAX_OEM_FILE_BYTES = 100_000;

/** The /oem folder Porthole wrote here (its scripts, and a compose file's own files merged in): plain text files. */
async function readOemFiles(dir: string): Promise<Array<{ name: string; text: string }>> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => e.name);
  return Promise.all(
    names.map(async (name) => {
      const bytes = await readFile(join(dir, name));
      // They travel as text in a helper container's environment (storage/engine-host-fs.ts writeFiles).
      if (bytes.includes(0) || bytes.length > MAX_OEM_FILE_BYTES) {
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `The /oem file ${name} is ${bytes.includes(0) ? 'not a text file' : 'larger than 100 kB'}: on a remote engine Porthole copies only text files (scripts) of up to 100 kB to the engine's computer.`,
          `Remove it from ${dir}, or put it on the engine's computer yourself and use a local engine for this machine.`,
        );
      }
      return { name, text: bytes.toString('utf8') };
    }),
  );
}
