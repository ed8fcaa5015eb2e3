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
 * The default annotations of the user's Podman: the last `annotations` of a [containers] table in the
 * containers.conf files Podman reads, in its order (CONTAINERS_CONF alone when set). Drop-in folders
 * (containers.conf.d) are not read: a setting only there is missed, which predicts too little, never too much.
 */
async function annotationsOf(ctx: HostContext): Promise<string[]> {
  const configHome = ctx.env.XDG_CONFIG_HOME ?? `${ctx.home}/.config`;
  const files = ctx.env.CONTAINERS_CONF
    ? [ctx.env.CONTAINERS_CONF]
    : [
        '/usr/share/containers/containers.conf',
        '/etc/containers/containers.conf',
        `${configHome}/containers/containers.conf`,
      ];
  let found: string[] = [];
  for (const file of files) {
    const text = await ctx.readText(file);
    const value = text === null ? undefined : containersAnnotations(text);
    if (value !== undefined) found = value;
  }
  return found;
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
