// A machine's container made through Podman's own API (POST /libpod/containers/create, a SpecGenerator) instead of
// the Docker-compatible create: only there can Porthole ask crun to keep a rootless user's supplementary groups
// (kvm). Podman 4.3's compatible create drops HostConfig.Annotations and reads GroupAdd ["keep-groups"] as a group.
import type Docker from 'dockerode';

/** crun's annotation (Podman's `--group-add keep-groups`): the container keeps the user's supplementary groups. */
export const KEEP_GROUPS_KEY = 'run.oci.keep_original_groups';
/** The libpod API version asked for: Podman 4.0 and later answer it. */
export const LIBPOD_CREATE_PATH = '/v4.0.0/libpod/containers/create';

/** The parts of Podman 4.3's SpecGenerator (pkg/specgen/specgen.go at v4.3.1, its JSON names) Porthole fills. */
export interface SpecGenerator {
  name: string;
  image: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  oci_runtime: string;
  stop_timeout?: number;
  restart_policy?: string;
  restart_tries?: number;
  /** As the compatible API does for rootless Podman too: the default bridge network, not slirp4netns. */
  netns: { nsmode: 'bridge' };
  mounts: Array<{ destination: string; type: 'bind'; source: string; options: string[] }>;
  /** `src:dst:permissions`, as Podman's own `--device` gives it. */
  devices: Array<{ path: string }>;
  device_cgroup_rule?: Array<{ allow: boolean; type: string; major?: number; minor?: number; access: string }>;
  cap_add: string[];
  portmappings: Array<{ host_ip: string; container_port: number; host_port: number; protocol: string }>;
  /** Port number to its protocols, comma-separated (Podman's CreateExpose). */
  expose: Record<string, string>;
}

export type Translation = { generator: SpecGenerator } | { unmapped: string[] };

/** Every field of a Docker create body the translation maps: anything else present refuses it. */
const MAPPED_TOP = new Set(['name', 'Image', 'Env', 'ExposedPorts', 'StopTimeout', 'Labels', 'HostConfig']);
const MAPPED_HOST = new Set(['Binds', 'Devices', 'CapAdd', 'DeviceCgroupRules', 'PortBindings', 'RestartPolicy']);
const RESTART_POLICIES = new Set(['', 'no', 'always', 'unless-stopped', 'on-failure']);

/**
 * Porthole's container spec (machine/spec.ts, a Docker create body) as a SpecGenerator on `ociRuntime` with crun's
 * keep-groups annotation. Faithful or not at all: a field it does not map, or a value it cannot read, is named in
 * `unmapped` instead (the caller then keeps the compatible create), so nothing is silently dropped.
 */
export function toSpecGenerator(spec: Docker.ContainerCreateOptions, ociRuntime: string): Translation {
  const unmapped: string[] = [];
  const present = (o: object): string[] =>
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
  for (const key of present(spec)) if (!MAPPED_TOP.has(key)) unmapped.push(key);
  const host: Docker.HostConfig = spec.HostConfig ?? {};
  for (const key of present(host)) if (!MAPPED_HOST.has(key)) unmapped.push(`HostConfig.${key}`);
  if (!spec.name || !spec.Image) unmapped.push(!spec.name ? 'name (missing)' : 'Image (missing)');

  const env = envOf(spec.Env ?? [], unmapped);
  const mounts = (host.Binds ?? []).map((bind) => mountOf(bind, unmapped));
  const devices = ((host.Devices ?? []) as Docker.DeviceMapping[]).map((d) => ({
    path: `${d.PathOnHost}:${d.PathInContainer || d.PathOnHost}:${d.CgroupPermissions || 'rwm'}`,
  }));
  const rules = (host.DeviceCgroupRules ?? []).map((rule) => cgroupRuleOf(rule, unmapped));
  const portmappings = portMappingsOf(host.PortBindings ?? {}, unmapped);
  const restart = host.RestartPolicy;
  if (restart && !RESTART_POLICIES.has(restart.Name ?? '')) unmapped.push(`HostConfig.RestartPolicy ${restart.Name}`);
  if (unmapped.length > 0) return { unmapped };
  return {
    generator: {
      name: spec.name!,
      image: spec.Image!,
      env,
      labels: { ...(spec.Labels ?? {}) },
      annotations: { [KEEP_GROUPS_KEY]: '1' },
      oci_runtime: ociRuntime,
      ...(spec.StopTimeout !== undefined ? { stop_timeout: spec.StopTimeout } : {}),
      ...(restart?.Name ? { restart_policy: restart.Name } : {}),
      ...(restart?.MaximumRetryCount ? { restart_tries: restart.MaximumRetryCount } : {}),
      netns: { nsmode: 'bridge' },
      mounts,
      devices,
      ...(rules.length > 0 ? { device_cgroup_rule: rules.filter((r) => r !== null) } : {}),
      cap_add: [...(host.CapAdd ?? [])],
      portmappings,
      expose: exposeOf(spec.ExposedPorts ?? {}),
    },
  };
}

function envOf(list: readonly string[], unmapped: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list) {
    const at = entry.indexOf('=');
    // `NAME` alone takes the value from the client's environment in Docker's CLI: never in a body Porthole makes.
    if (at <= 0) unmapped.push(`Env ${entry.slice(0, 40)}`);
    else env[entry.slice(0, at)] = entry.slice(at + 1);
  }
  return env;
}

/** `source:target[:ro|rw]` as a bind mount; the options Podman's `-v` adds itself (rbind) are said. */
function mountOf(bind: string, unmapped: string[]): SpecGenerator['mounts'][number] {
  const [source = '', destination = '', mode, ...rest] = bind.split(':');
  if (!source.startsWith('/') || !destination.startsWith('/') || rest.length > 0 || (mode && !/^(ro|rw)$/.test(mode)))
    unmapped.push(`HostConfig.Binds ${bind.slice(0, 80)}`);
  return { destination, type: 'bind', source, options: ['rbind', mode === 'ro' ? 'ro' : 'rw'] };
}

/** `c 189:* rwm` as the runtime spec's device rule (a `*` is any number: left out). */
function cgroupRuleOf(
  rule: string,
  unmapped: string[],
): NonNullable<SpecGenerator['device_cgroup_rule']>[number] | null {
  const m = /^([acb]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(rule);
  if (!m) {
    unmapped.push(`HostConfig.DeviceCgroupRules ${rule.slice(0, 40)}`);
    return null;
  }
  const number = (s: string): number | undefined => (s === '*' ? undefined : Number(s));
  const [major, minor] = [number(m[2]!), number(m[3]!)];
  return {
    allow: true,
    type: m[1]!,
    ...(major !== undefined ? { major } : {}),
    ...(minor !== undefined ? { minor } : {}),
    access: m[4]!,
  };
}

function portMappingsOf(
  bindings: NonNullable<Docker.HostConfig['PortBindings']>,
  unmapped: string[],
): SpecGenerator['portmappings'] {
  const out: SpecGenerator['portmappings'] = [];
  for (const [port, list] of Object.entries(
    bindings as Record<string, Array<{ HostIp?: string; HostPort?: string }>>,
  )) {
    const [number, protocol = 'tcp'] = port.split('/');
    for (const b of list ?? []) {
      const hostPort = Number(b.HostPort);
      // Every port is published on one address (127.0.0.1): an empty HostIp would mean every address.
      if (!b.HostIp || !Number.isInteger(hostPort) || hostPort <= 0 || !/^\d+$/.test(number ?? '')) {
        unmapped.push(`HostConfig.PortBindings ${port}`);
        continue;
      }
      out.push({ host_ip: b.HostIp, container_port: Number(number), host_port: hostPort, protocol });
    }
  }
  return out;
}

function exposeOf(ports: Record<string, unknown>): Record<string, string> {
  const expose: Record<string, string> = {};
  for (const port of Object.keys(ports)) {
    const [number = '', protocol = 'tcp'] = port.split('/');
    expose[number] = expose[number] ? `${expose[number]},${protocol}` : protocol;
  }
  return expose;
}

/**
 * POST /libpod/containers/create with `generator`: the new container's id. Made through the client's modem, so
 * the call has the client's deadline (engine/deadlines.ts) like every other; errors are the modem's (the caller
 * describes them).
 */
export function libpodCreate(docker: Docker, generator: SpecGenerator): Promise<string> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: LIBPOD_CREATE_PATH,
        method: 'POST',
        options: generator,
        statusCodes: {
          200: true,
          201: true,
          400: 'bad parameter',
          404: 'no such image',
          409: 'conflict',
          500: 'server error',
        },
      },
      (err, data) => {
        if (err) return reject(err);
        const id = (data as { Id?: unknown } | null)?.Id;
        if (typeof id === 'string' && /^[0-9a-f]{12,64}$/.test(id)) resolve(id);
        else reject(new Error('Podman answered the create without a container id.'));
      },
    );
  });
}
