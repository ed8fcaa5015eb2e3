import type { HostContext } from './context';

/** crun's annotation that keeps the user's supplementary groups in a rootless container (Podman's `--group-add keep-groups`). */
export const KEEP_GROUPS_ANNOTATION = 'run.oci.keep_original_groups=1';

/**
 * What a rootless Podman does with the user's supplementary groups (such as kvm) in its containers:
 * - `kept`: its runtime is crun and its containers.conf gives every container crun's keep-groups annotation;
 * - `not-asked`: crun could keep them, but nothing asks it to (Podman's compatible API, which Porthole
 *   uses, takes no annotation: Podman 4.3 ignores HostConfig.Annotations and reads GroupAdd
 *   ["keep-groups"] as a group named keep-groups);
 * - `runtime-cannot`: its runtime (runc) has no such option.
 */
export type PodmanGroups = 'kept' | 'not-asked' | 'runtime-cannot';

export async function podmanGroups(ctx: HostContext, runtime: string | undefined): Promise<PodmanGroups> {
  if (runtime !== undefined && runtime !== 'crun') return 'runtime-cannot';
  return (await annotationsOf(ctx)).includes(KEEP_GROUPS_ANNOTATION) && runtime === 'crun' ? 'kept' : 'not-asked';
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
