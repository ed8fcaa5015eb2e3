// The compose file Porthole writes for a machine: the same container as Porthole's own, runnable by `docker compose`.
import type Docker from 'dockerode';
import { Document } from 'yaml';
import type { MachineSettings } from '../../api';
import { buildContainerSpec, type SpecOptions } from './spec';

/** The compose extension field holding the machine's name. */
export const NAME_KEY = 'x-porthole-name';

export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

function duration(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * The compose service equivalent to a container spec: the same image, name, environment, devices,
 * capability, loopback ports, mounts and stop timeout. Labels are left out on purpose: a container
 * started by hand must not pass for one Porthole manages.
 */
export function composeServiceFromSpec(spec: Docker.ContainerCreateOptions): Record<string, unknown> {
  const host = spec.HostConfig ?? {};
  const bindings = (host.PortBindings ?? {}) as Record<string, PortBinding[] | undefined>;
  const ports = Object.entries(bindings).flatMap(([containerPort, list]) =>
    (list ?? []).map((b) => `${b.HostIp ? `${b.HostIp}:` : ''}${b.HostPort ?? ''}:${containerPort}`),
  );
  const devices = ((host.Devices ?? []) as Docker.DeviceMapping[]).map((d) => `${d.PathOnHost}:${d.PathInContainer}`);
  const environment = Object.fromEntries(
    (spec.Env ?? []).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const service: Record<string, unknown> = {
    image: spec.Image,
    container_name: spec.name,
    environment,
    devices,
    cap_add: host.CapAdd as string[] | undefined,
    ports,
    volumes: host.Binds ?? [],
    restart: host.RestartPolicy?.Name ?? 'no',
  };
  if (host.DeviceCgroupRules?.length) service.device_cgroup_rules = host.DeviceCgroupRules;
  if (spec.StopTimeout !== undefined) service.stop_grace_period = duration(spec.StopTimeout);
  return service;
}

/**
 * Every string with each `$` doubled: compose reads `$NAME` and `${NAME}` as the value of a variable
 * of the shell that runs it (a password `Pa$HOME` would become `Pa/home/ada`), and `$$` as one `$`.
 */
function escapeDollars<T>(value: T): T {
  if (typeof value === 'string') return value.split('$').join('$$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeDollars(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDollars(v)])) as T;
  }
  return value;
}

/**
 * A compose.yml that runs the machine without Porthole (`docker compose up -d` in its folder),
 * made from buildContainerSpec's result so the two never disagree. It holds the password: every
 * value is double-quoted (quotes, `#`, spaces and unicode kept exactly) and its `$` escaped as `$$`,
 * so compose reads each value exactly as Porthole stores it.
 */
export function toCompose(m: MachineSettings, opts: SpecOptions): string {
  const spec = buildContainerSpec(m, opts);
  // An `x-` key is ignored by compose; it carries the machine's name back on import.
  // Its own container name: Porthole keeps its (stopped) container for the machine, and compose
  // refuses to make a second container under the same name.
  const service = escapeDollars({
    ...composeServiceFromSpec(spec),
    container_name: composeContainerName(spec.name ?? m.id),
    [NAME_KEY]: m.name,
  });
  const doc = new Document({ services: { [m.id]: service } });
  doc.commentBefore = [
    ` Machine “${visible(m.name)}”, exported by Porthole.`,
    ' Run it with: docker compose up -d   (or podman compose up -d)',
    ` Its screen: http://127.0.0.1:${m.ports.web}/   Remote Desktop: 127.0.0.1:${m.ports.rdp}`,
    ` Stop the machine in Porthole first (porthole stop ${m.id}): both use the same disk.`,
    ' Porthole keeps its own stopped container; it does not get in the way, so leave it. While this',
    ' file\'s container runs, Porthole shows the machine running; after "docker compose down",',
    ` Porthole starts it again as before (porthole start ${m.id}).`,
    ' This file contains the Windows password.',
  ].join('\n');
  // Every string quoted: YAML 1.1 readers would take Y, N or no for booleans.
  return escapeBreaks(doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }));
}

/**
 * Characters the `yaml` package writes as they are but a reader may not take as they are: YAML 1.1
 * (PyYAML, docker-compose v1) reads NEL (U+0085), U+2028 and U+2029 as line breaks, and refuses DEL, the
 * other C1 controls, U+FEFF inside a document and U+FFFE/U+FFFF. Format characters (bidi overrides,
 * zero-width) are escaped too, so the file shows on a terminal or in an editor as what it holds.
 */
const UNSAFE_IN_YAML = /[\u007f-\u009f\u2028\u2029\ufffe\uffff\p{Cf}]/gu;

function hex(ch: string, digits: number): string {
  return ch.codePointAt(0)!.toString(16).padStart(digits, '0');
}

/** Each such character in a comment's text, as visible `\uXXXX` (a line break there would end the comment). */
function visible(text: string): string {
  return text.replace(UNSAFE_IN_YAML, (ch) => (ch.length > 1 ? `\\U${hex(ch, 8)}` : `\\u${hex(ch, 4)}`));
}

/**
 * The written document with each such character escaped. Every string is double-quoted, keys are
 * plain ASCII and the comment went through visible(), so each one left is inside a double-quoted
 * scalar, where YAML's own escapes (`\N`, `\L`, `\P`, `\xXX`, `\uXXXX`, `\UXXXXXXXX`) mean exactly that character.
 */
function escapeBreaks(yaml: string): string {
  return yaml.replace(UNSAFE_IN_YAML, (ch) => {
    if (ch === '\u0085') return '\\N';
    if (ch === '\u2028') return '\\L';
    if (ch === '\u2029') return '\\P';
    if (ch.length > 1) return `\\U${hex(ch, 8)}`;
    return ch.charCodeAt(0) <= 0xff ? `\\x${hex(ch, 2)}` : `\\u${hex(ch, 4)}`;
  });
}

/** The exported file's container name: Porthole's own, marked as the compose-run one. */
export function composeContainerName(portholeName: string): string {
  return `${portholeName}-compose`;
}
