import type { HostContext } from './context';

/** crun's annotation that keeps the user's supplementary groups in a rootless container (Podman's `--group-add keep-groups`). */
export const KEEP_GROUPS_ANNOTATION = 'run.oci.keep_original_groups=1';

/**
 * What a rootless Podman does with the user's supplementary groups (such as kvm) in its containers:
 * - `kept`: its runtime is crun and its containers.conf gives every container crun's keep-groups annotation;
 * - `porthole-keeps`: Podman has a crun: Porthole makes each machine's container through Podman's own API
 *   (`/libpod/containers/create`, engine/libpod-create.ts) on crun with that annotation. Its compatible API
 *   takes none: Podman 4.3 ignores HostConfig.Annotations and reads GroupAdd ["keep-groups"] as a group name;
 * - `not-asked`: crun may be there, but Podman did not say its runtime and nothing asks it to keep them;
 * - `runtime-cannot`: its runtime (runc) has no such option and no crun was found.
 */
export type PodmanGroups = 'kept' | 'porthole-keeps' | 'not-asked' | 'runtime-cannot';

/** Where Podman looks for crun (containers/common's defaults), after the path its /info gives. */
const CRUN_PATHS = ['/usr/bin/crun', '/usr/sbin/crun', '/usr/local/bin/crun', '/usr/local/sbin/crun'];

/**
 * `runtime`: Podman's default runtime (/info DefaultRuntime); `crunPath`: where its configuration looks for
 * crun first (/info Runtimes.crun.Path, listed whether or not it is installed: the file must be there).
 * Read on this computer: only a local engine's runtime is judged here.
 */
export async function podmanGroups(
  ctx: HostContext,
  runtime: string | undefined,
  crunPath?: string,
): Promise<PodmanGroups> {
  if (runtime === 'crun' && (await annotationsOf(ctx)).includes(KEEP_GROUPS_ANNOTATION)) return 'kept';
  if (runtime === 'crun') return 'porthole-keeps';
  if (crunPath === undefined || !(await crunInstalled(ctx, crunPath)))
    return runtime === undefined ? 'not-asked' : 'runtime-cannot';
  // A crun beside runc is asked for only where it runs: crun refuses a host whose cgroups are hybrid (v1
  // controllers beside a v2 tree), the layout for which Podman keeps runc.
  return (await ctx.exists('/sys/fs/cgroup/cgroup.controllers')) ? 'porthole-keeps' : 'not-asked';
}

async function crunInstalled(ctx: HostContext, crunPath: string): Promise<boolean> {
  for (const path of [crunPath, ...CRUN_PATHS]) if (path.startsWith('/') && (await ctx.exists(path))) return true;
  return false;
}

/**
 * The default annotations of the user's rootless Podman: the last `annotations` of a [containers] table in the
 * files Podman reads, in its order (containers-config(5)): each containers.conf, then its drop-in folders' `*.conf`
 * files in sorted order; CONTAINERS_CONF alone instead when set; CONTAINERS_CONF_OVERRIDE last of all.
 */
async function annotationsOf(ctx: HostContext): Promise<string[]> {
  let found: string[] = [];
  for (const file of await containersConfFiles(ctx)) {
    const text = await ctx.readText(file);
    const value = text === null ? undefined : containersAnnotations(text);
    if (value !== undefined) found = value;
  }
  return found;
}

/** At most this many drop-ins a folder: a folder of thousands is not a configuration, and is not read whole. */
const MAX_DROP_INS = 256;

/** The containers.conf files a rootless Podman reads, lowest precedence first. */
export async function containersConfFiles(ctx: HostContext): Promise<string[]> {
  const override = ctx.env.CONTAINERS_CONF_OVERRIDE ? [ctx.env.CONTAINERS_CONF_OVERRIDE] : [];
  if (ctx.env.CONTAINERS_CONF) return [ctx.env.CONTAINERS_CONF, ...override];
  const configHome = ctx.env.XDG_CONFIG_HOME ?? `${ctx.home}/.config`;
  const dropIns = async (folder: string): Promise<string[]> =>
    (await ctx.folderNames(folder))
      .filter((name) => name.endsWith('.conf'))
      .slice(0, MAX_DROP_INS)
      .map((name) => `${folder}/${name}`);
  const files: string[] = [];
  for (const base of ['/usr/share/containers', '/etc/containers']) {
    files.push(`${base}/containers.conf`, ...(await dropIns(`${base}/containers.conf.d`)));
    // Rootless only (UID > 0): Porthole asks this of a rootless Podman.
    files.push(...(await dropIns(`${base}/containers.rootless.conf.d`)));
    files.push(...(await dropIns(`${base}/containers.rootless.conf.d/${ctx.uid}`)));
  }
  files.push(
    `${configHome}/containers/containers.conf`,
    ...(await dropIns(`${configHome}/containers/containers.conf.d`)),
  );
  return [...files, ...override];
}

/** `annotations = [...]` of the [containers] table (one line or several), or undefined when not set. */
export function containersAnnotations(text: string): string[] | undefined {
  let table = '';
  let collecting: string | undefined;
  let result: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (collecting !== undefined) {
      collecting += ` ${line}`;
      if (line.includes(']')) [result, collecting] = [stringsOf(collecting), undefined];
      continue;
    }
    if (line.startsWith('#') || line === '') continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) table = header[1]!.trim();
    else if (table === 'containers' && /^annotations\s*=\s*\[/.test(line)) {
      if (line.includes(']')) result = stringsOf(line);
      else collecting = line;
    }
  }
  return result;
}

function stringsOf(array: string): string[] {
  return [...array.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2] ?? '');
}
