import type Docker from 'dockerode';
import { posix } from 'node:path';
import { PortholeError, type IsoInfo } from '../../api';
import { presentImages } from '../engine/images';
import { ancestors, isRefusedMount, PROBE_LABEL, runToEnd } from '../host/engine-host-probe';
import { assertIsoSize, DESCRIPTOR_BYTES, notAnIsoFile, readDescriptors } from '../machine/iso';

/**
 * A remote engine's computer's file system, as machines there see it: every look and every change
 * runs in a short-lived container on that engine (the pattern of host/engine-host-probe.ts), with
 * the path's nearest existing folder bind-mounted at /host. Nothing here touches this computer's
 * files: a folder of the same name here says nothing about the one there.
 */
export interface EngineHostFs {
  /** The engine's computer as a person names it. */
  readonly host: string;
  /** What is at `path` there. */
  kind(path: string): Promise<'folder' | 'file' | 'missing' | 'other'>;
  /** `mkdir -p` there, as the engine's user (root for a rootful engine); true when it made the folder. */
  makeFolder(path: string): Promise<{ made: boolean }>;
  /** Writes text files into `dir` there (made first when missing). */
  writeFiles(dir: string, files: ReadonlyArray<{ name: string; text: string }>): Promise<void>;
  /** The custom ISO checks of machine/iso.ts, on the file there. */
  inspectIso(path: string): Promise<IsoInfo>;
}

/** A folder of the engine's computer bound into a helper container (it must exist there: never created by the bind). */
export interface HelperMount {
  source: string;
  target: string;
  write?: boolean;
}

/**
 * The engine's computer's file system with the raw helper: a constant script run in a short-lived
 * container with the given folders bound, within `timeoutMs`; its output (the script bounds it).
 * The engine's errors come back as they are: the caller says what failed in plain words.
 */
export interface EngineHostHelpers extends EngineHostFs {
  run(
    mounts: readonly HelperMount[],
    script: string,
    args: string[],
    opts: { env?: string[]; timeoutMs: number },
  ): Promise<string>;
}

/** The scripts, constants: paths reach them as arguments ($1…), never inside the script text. */
const KIND_SCRIPT =
  'p="/host/$1"; if [ -d "$p" ]; then echo kind=folder; elif [ -f "$p" ]; then echo kind=file; elif [ -e "$p" ]; then echo kind=other; else echo kind=missing; fi';
const MKDIR_SCRIPT =
  'p="/host/$1"; if [ -d "$p" ]; then echo made=no; exit 0; fi; mkdir -p -- "$p" && [ -d "$p" ] && echo made=yes';
// Each file's text is in the environment (F0, F1, …), its name an argument: printf '%s' writes it as is.
const WRITE_SCRIPT = [
  'd="/host/$1"; shift; mkdir -p -- "$d" || exit 1; i=0',
  'for name in "$@"; do eval "text=\\"\\$F$i\\""; tmp="$d/.$name.porthole-tmp"; printf "%s" "$text" > "$tmp" && chmod 644 "$tmp" && mv -f -- "$tmp" "$d/$name" || exit 1; i=$((i+1)); done',
  'echo written=yes',
].join('\n');
const ISO_SCRIPT = [
  'p="/host/$1"',
  'if [ -d "$p" ]; then echo kind=folder; exit 0; fi',
  'if [ ! -e "$p" ]; then echo kind=missing; exit 0; fi',
  'if [ ! -f "$p" ]; then echo kind=other; exit 0; fi',
  'echo kind=file; echo "size=$(wc -c < "$p")"',
  'echo ---bytes',
  'dd if="$p" bs=2048 skip="$2" count="$3" 2>/dev/null | od -An -v -tx1',
].join('\n');

export interface EngineHostFsOptions {
  host: string;
  /** Images the helper may run in, first present wins (the machines'); never pulled. */
  images: () => string[];
  timeoutMs?: number;
}

/** The nearest folder of `path` the engine's computer has, found by the engine refusing the others; and the rest of the path below it. */
interface Mounted {
  source: string;
  rest: string;
}

function relativeTo(base: string, path: string): string {
  return posix.relative(base, path) || '.';
}

function refusedBy(host: string, err: unknown): PortholeError {
  return new PortholeError(
    'ENGINE_UNAVAILABLE',
    `Porthole could not look at ${host} (the engine's computer) through a short-lived container: ${err instanceof Error ? err.message : String(err)}.`,
    'Check that the engine runs and that a machine image is on it; "porthole check" says more.',
  );
}

/** Runs a script with the nearest existing folder of a path at /host (read-only unless `write`); its output. */
type HelperRun = (
  path: string,
  script: string,
  args: (m: Mounted) => string[],
  opts?: { write?: boolean; env?: string[] },
) => Promise<string>;

/** `docker`: the engine's API (a function: the connection's client changes when it reconnects). */
export function engineHostFs(docker: Docker | (() => Docker), options: EngineHostFsOptions): EngineHostHelpers {
  const { host } = options;
  const run = helperRun(docker, options);
  const api = (): Docker => (typeof docker === 'function' ? docker() : docker);
  return {
    host,
    async run(mounts, script, args, opts) {
      const images = await helperImages(api(), options.images(), host);
      for (let image = 0; ; image += 1) {
        try {
          return await runOnce(api(), images[image]!, script, args, mounts, opts, opts.timeoutMs);
        } catch (err) {
          if (!(image < images.length - 1 && isMissingShell(err))) throw err;
        }
      }
    },
    async kind(path) {
      const kind = fieldOf(await run(path, KIND_SCRIPT, (m) => [m.rest]), 'kind');
      if (kind === 'folder' || kind === 'file' || kind === 'missing' || kind === 'other') return kind;
      throw refusedBy(host, new Error('the helper gave no answer'));
    },
    async makeFolder(path) {
      const made = fieldOf(await run(path, MKDIR_SCRIPT, (m) => [m.rest], { write: true }), 'made');
      if (made !== 'yes' && made !== 'no')
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `Porthole could not make the folder ${path} on ${host} (the engine's computer).`,
          'Check that its parent folder is writable there, or choose another folder.',
        );
      return { made: made === 'yes' };
    },
    async writeFiles(dir, files) {
      for (const f of files)
        if (!/^[\w.-]+$/.test(f.name)) throw new PortholeError('INTERNAL', `Not a plain file name: ${f.name}`);
      const env = files.map((f, i) => `F${i}=${f.text}`);
      const out = await run(dir, WRITE_SCRIPT, (m) => [m.rest, ...files.map((f) => f.name)], { write: true, env });
      if (fieldOf(out, 'written') !== 'yes')
        throw new PortholeError(
          'INVALID_ARGUMENT',
          `Porthole could not write its files into ${dir} on ${host} (the engine's computer).`,
          'Check that the folder is writable there.',
        );
    },
    inspectIso: (path) => inspectIsoThere(run, host, path),
  };
}

function helperRun(docker: Docker | (() => Docker), options: EngineHostFsOptions): HelperRun {
  const api = (): Docker => (typeof docker === 'function' ? docker() : docker);
  const { host } = options;
  const absolute = (path: string): string => {
    if (!path.startsWith('/'))
      throw new PortholeError(
        'INVALID_ARGUMENT',
        `A folder on ${host} must be a full path (starting with /), not “${path}”.`,
        'Type the full path of the folder on that computer.',
      );
    return posix.resolve('/', path);
  };
  return async (path, script, args, opts = {}) => {
    const images = await helperImages(api(), options.images(), host);
    // From the parent on: a bind of the path itself would mount a file at /host when it is one.
    const full = absolute(path);
    const sources = ancestors(posix.dirname(full));
    let image = 0;
    for (let i = 0; ;) {
      const source = sources[i]!;
      try {
        return await runOnce(
          api(),
          images[image]!,
          script,
          args({ source, rest: relativeTo(source, full) }),
          [{ source, target: '/host', write: opts.write ?? false }],
          opts,
          options.timeoutMs ?? 30_000,
        );
      } catch (err) {
        if (i < sources.length - 1 && isRefusedMount(err)) i += 1;
        else if (image < images.length - 1 && isMissingShell(err)) image += 1;
        else throw err instanceof PortholeError ? err : refusedBy(host, err);
      }
    }
  };
}

function fieldOf(output: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(output.replace(/\r/g, ''))?.[1]?.trim();
}

/** The custom ISO checks of machine/iso.ts, on the file on the engine's computer (its first sectors read there). */
async function inspectIsoThere(run: HelperRun, host: string, path: string): Promise<IsoInfo> {
  if (!path.startsWith('/'))
    throw new PortholeError(
      'ISO_INVALID',
      `The custom ISO must be given as a full path on ${host}, not “${path}”.`,
      `Type the full path of the ISO file on ${host}.`,
    );
  const sector = 2048;
  const out = await run(path, ISO_SCRIPT, (m) => [
    m.rest,
    String(DESCRIPTOR_BYTES.start / sector),
    String(DESCRIPTOR_BYTES.length / sector),
  ]);
  const kind = fieldOf(out, 'kind');
  if (kind === 'missing') throw onHost(notAnIsoFile(path, 'missing'), host);
  if (kind === 'folder') throw onHost(notAnIsoFile(path, 'folder'), host);
  if (kind !== 'file') throw onHost(notAnIsoFile(path, 'other'), host);
  const size = Number(fieldOf(out, 'size'));
  try {
    assertIsoSize(path, size);
    const hex = (out.replace(/\r/g, '').split('\n---bytes\n')[1] ?? '').split(/\s+/).filter(Boolean);
    const read = readDescriptors(
      path,
      Uint8Array.from(hex, (h) => Number.parseInt(h, 16)),
    );
    return {
      path,
      sizeBytes: size,
      format: read.udf ? 'udf' : 'iso9660',
      ...(read.label ? { volumeLabel: read.label } : {}),
    };
  } catch (err) {
    throw err instanceof PortholeError ? onHost(err, host) : err;
  }
}

/** The same refusal, saying where the file was looked at. */
function onHost(err: PortholeError, host: string): PortholeError {
  return new PortholeError(
    err.code,
    `${err.message.replace(/\.$/, '')} (on ${host}, the engine's computer).`,
    err.remedy,
  );
}

/**
 * The images a helper may run in, best first: the machines' (already there, and known to have a
 * shell), then the engine's other images, smallest first (a wizard on a fresh engine has no machine
 * image yet). Never pulled.
 */
async function helperImages(docker: Docker, preferred: string[], host: string): Promise<string[]> {
  const present = await presentImages(docker, preferred, host);
  const all = [...present.wanted, ...present.others];
  if (all.length > 0) return all;
  throw new PortholeError(
    'ENGINE_UNAVAILABLE',
    `Porthole looks at folders on the engine's computer in a short-lived container of an image already there, and the engine has none yet (${preferred.join(', ')} included).`,
    'Create the machine with the default folder first (its image is downloaded then), or pull the image on the engine.',
  );
}

/** The image has no `sh` to run the helper's script: the next one is tried. */
function isMissingShell(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return (
    /executable file not found|"sh": .*not found|no such file or directory: unknown/i.test(message) &&
    !/bind source path/i.test(message)
  );
}

async function runOnce(
  docker: Docker,
  image: string,
  script: string,
  args: string[],
  mounts: readonly HelperMount[],
  opts: { env?: string[] },
  timeoutMs: number,
): Promise<string> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c', script, 'porthole-host-fs'],
    Cmd: args,
    Env: opts.env ?? [],
    Tty: true,
    NetworkDisabled: true,
    Labels: { [PROBE_LABEL]: 'host-fs' },
    // The Mounts API never creates a missing source (the -v form would, as root): a refusal means "not there".
    HostConfig: {
      Mounts: mounts.map((m) => ({ Type: 'bind' as const, Source: m.source, Target: m.target, ReadOnly: !m.write })),
    },
  });
  return runToEnd(container, timeoutMs, 'the helper container');
}
