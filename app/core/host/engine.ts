// The checklist's engine item: the verdict on the probes, and the remedies for this distribution.
import type { CheckResult } from '../../api';
import type { HostContext } from './context';
import { installCommands, rootlessDockerCommands, upgradeDockerCommands, type Distro } from './distro';
import {
  MIN_DOCKER_API,
  type EngineCandidate,
  type EngineKind,
  type EngineProbe,
  type EngineProbeState,
} from './engine-candidates';
import { selectEngine } from './engine-probe';

const TITLE = 'Container engine';
const WHY = "Porthole runs each Windows machine as a container, through the engine's API (Docker or Podman).";

/** Severity order for explaining why no engine answers: the most actionable first. */
const STATE_RANK: EngineProbeState[] = [
  'denied',
  'refused',
  'timeout',
  'error',
  'not-socket',
  'unsupported',
  'missing',
];

function describe(kind: EngineKind, version: string | undefined): string {
  const name = kind === 'podman' ? 'Podman' : kind === 'docker' ? 'Docker' : 'A container engine';
  return version ? `${name} ${version}` : name;
}

/** How to start the service behind a socket. */
function startCommands(candidate: EngineCandidate, ctx: HostContext): string[] {
  const path = candidate.realSocketPath;
  if (!path) return [];
  if (candidate.desktop) return ['systemctl --user start docker-desktop'];
  const user = candidate.rootless;
  if (/podman/.test(path))
    return user ? ['systemctl --user enable --now podman.socket'] : [`${ctx.sudo}systemctl enable --now podman.socket`];
  return user ? ['systemctl --user enable --now docker'] : [`${ctx.sudo}systemctl enable --now docker`];
}

function installBlock(distro: Distro, ctx: HostContext): { text: string; commands: string[] } {
  const install = installCommands(distro, ctx.sudo);
  const commands = [
    ...(install.docker.length ? [`# Docker on ${distro.name}:`, ...install.docker] : []),
    ...(install.podman.length
      ? [`# or Podman on ${distro.name} (runs as your user, no root-equivalent group):`, ...install.podman]
      : []),
  ];
  return { text: install.note ?? 'Install Docker Engine or Podman, then run "porthole check" again.', commands };
}

type Hint = { text: string; commands: string[] };

export interface EngineCheckInput {
  probes: EngineProbe[];
  distro: Distro;
  installed: { dockerd: boolean; podman: boolean };
}

export function engineCheck({ probes, distro, installed }: EngineCheckInput, ctx: HostContext): CheckResult {
  const selected = selectEngine(probes);
  const explicit = probes.find((p) => p.candidate.source === 'DOCKER_HOST');
  if (selected?.endpoint) return answeringCheck(selected, probes, distro, ctx);

  // Nothing usable answers. With DOCKER_HOST set, that is the one to explain.
  const considered = explicit ? [explicit] : probes;
  const worst = [...considered].sort((a, b) => STATE_RANK.indexOf(a.state) - STATE_RANK.indexOf(b.state))[0];
  const other = explicit ? probes.find((p) => p !== explicit && p.state === 'ok') : undefined;
  const unsetHint = unsetDockerHostHint(explicit, other);
  const at = explicit ? `DOCKER_HOST is ${explicit.candidate.label}, but` : '';
  const why = explicit ? `${WHY} Like the docker command, Porthole uses the engine DOCKER_HOST names.` : WHY;

  if (!worst) {
    return { id: 'engine', title: TITLE, status: 'fail', found: 'No place to look for a container engine.', why };
  }
  const c = worst.candidate;
  switch (worst.state) {
    case 'denied':
      return deniedCheck(worst, at, unsetHint, why, distro, ctx);
    case 'refused':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}nothing answers at ${c.label} (connection refused): the engine is not running; its socket file is left over.`,
        why,
        fix: {
          text: `Start the engine.${unsetHint.text}`,
          commands: [...startCommands(c, ctx), ...unsetHint.commands],
        },
      };
    case 'timeout':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}the engine at ${c.label} accepted the connection but did not answer within ${ctx.timeoutMs} ms: it is starting, or hung.`,
        why,
        fix: {
          text: `Wait a moment and check again; if it stays silent, restart the engine.${unsetHint.text}`,
          commands: [
            ...startCommands(c, ctx).map((cmd) => cmd.replace('enable --now', 'restart')),
            ...unsetHint.commands,
          ],
        },
      };
    case 'unsupported':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : `${c.label}: `}${worst.detail}`,
        why,
        fix: {
          text: 'Point DOCKER_HOST at a unix:// or tcp:// address, or unset it to use the local engine.',
          commands: ['unset DOCKER_HOST'],
        },
      };
    case 'error':
    case 'not-socket':
      return {
        id: 'engine',
        title: TITLE,
        status: 'fail',
        found: `${at ? `${at} ` : ''}the engine at ${c.label} does not work: ${worst.detail}.`,
        why,
        fix: {
          text: `Restart the engine and look at its log.${unsetHint.text}`,
          commands: [
            ...startCommands(c, ctx).map((cmd) => cmd.replace('enable --now', 'restart')),
            ...unsetHint.commands,
          ],
        },
      };
    case 'missing':
    case 'ok':
      return missingCheck(worst, explicit, distro, installed, unsetHint, why, ctx);
  }
}

/** DOCKER_HOST names an engine that does not work: unsetting it is a way out (to the one that answers, when one does). */
function unsetDockerHostHint(explicit: EngineProbe | undefined, other: EngineProbe | undefined): Hint {
  if (!explicit) return { text: '', commands: [] };
  return {
    text: other
      ? ` Or unset DOCKER_HOST to use the engine that answers at ${other.candidate.label}.`
      : ' Or point DOCKER_HOST at an engine that runs.',
    commands: other ? ['# or use the engine that answers:', 'unset DOCKER_HOST'] : [],
  };
}

/** The engine's socket refuses this user: the docker group (root-equivalent), rootless Docker or Podman. */
function deniedCheck(
  worst: EngineProbe,
  at: string,
  unsetHint: Hint,
  why: string,
  distro: Distro,
  ctx: HostContext,
): CheckResult {
  const c = worst.candidate;
  const podman = /podman/.test(c.realSocketPath ?? '');
  const rootless = rootlessDockerCommands(distro, ctx.sudo);
  const commands = podman
    ? ['systemctl --user enable --now podman.socket']
    : [
        '# Option 1: join the docker group (this grants root-equivalent access), then log out and back in',
        `${ctx.sudo}usermod -aG docker ${ctx.user}`,
        '# Option 2: rootless Docker, running as you',
        ...rootless,
        '# Option 3: Podman, rootless by default',
        ...installCommands(distro, ctx.sudo).podman,
      ];
  return {
    id: 'engine',
    title: TITLE,
    status: 'fail',
    found: `${at ? `${at} ` : ''}user ${ctx.user} may not use the engine at ${c.label} (permission denied, ${worst.detail}).`,
    why,
    fix: podman
      ? {
          text: `The system-wide Podman socket is for root. Use your own Podman socket instead; Porthole finds it by itself.${unsetHint.text}`,
          commands: [...commands, ...unsetHint.commands],
        }
      : {
          text:
            'Either join the docker group and then log out and back in. Be aware: any member of the docker group can take full root ' +
            'control of this computer (it can start a container that mounts /). Or run Docker rootless, as your own user, which needs ' +
            `no such group; Porthole finds its socket ($XDG_RUNTIME_DIR/docker.sock) by itself. Or use Podman, rootless by default.${unsetHint.text}`,
          commands: [...commands, ...unsetHint.commands],
        },
  };
}

function missingCheck(
  worst: EngineProbe,
  explicit: EngineProbe | undefined,
  distro: Distro,
  installed: { dockerd: boolean; podman: boolean },
  unsetHint: { text: string; commands: string[] },
  why: string,
  ctx: HostContext,
): CheckResult {
  const install = installBlock(distro, ctx);
  const start = [
    ...(installed.dockerd ? [`${ctx.sudo}systemctl enable --now docker`] : []),
    ...(installed.podman
      ? [ctx.uid === 0 ? 'systemctl enable --now podman.socket' : 'systemctl --user enable --now podman.socket']
      : []),
  ];
  const anyInstalled = installed.dockerd || installed.podman;
  const found = explicit
    ? `DOCKER_HOST is ${explicit.candidate.label}, but no engine listens there (${worst.detail}): the engine is not running, or not installed.`
    : anyInstalled
      ? `${[installed.dockerd ? 'Docker' : '', installed.podman ? 'Podman' : ''].filter(Boolean).join(' and ')} ${installed.dockerd && installed.podman ? 'are' : 'is'} installed but not running: no engine socket exists (looked at ${worst.candidate.label} and the rootless and Podman sockets).`
      : 'No container engine is installed: neither Docker nor Podman was found, and no engine socket exists.';
  const fix = anyInstalled
    ? {
        text: `The engine is not running: start it.${unsetHint.text}`,
        commands: [...start, ...unsetHint.commands],
      }
    : {
        text: `${explicit ? 'The engine is not running or not installed. ' : ''}${install.text}${unsetHint.text}`,
        commands: [...install.commands, ...unsetHint.commands],
      };
  return { id: 'engine', title: TITLE, status: 'fail', found, why, fix };
}

function answeringCheck(selected: EngineProbe, probes: EngineProbe[], distro: Distro, ctx: HostContext): CheckResult {
  const e = selected.endpoint!;
  const api = e.apiVersion ? ` (API ${e.apiVersion})` : '';
  const name = e.desktop ? `Docker Desktop${e.version ? ` (engine ${e.version})` : ''}` : describe(e.kind, e.version);
  const mode = e.rootless ? ', rootless' : '';
  const base = `${name}${api} answers at ${e.label}${mode}.`;

  if (selected.apiTooOld) {
    const upgrade = upgradeDockerCommands(distro, ctx.sudo);
    return {
      id: 'engine',
      title: TITLE,
      status: 'fail',
      found: `${base} That API is too old: Porthole needs Docker API ${MIN_DOCKER_API} or newer (Docker 20.10 or newer).`,
      why: WHY,
      fix: {
        text: 'Upgrade Docker with your package manager (the package is docker.io, docker-ce or moby-engine), or use Podman.',
        commands: upgrade,
      },
    };
  }
  if (e.desktop) {
    const install = installCommands(distro, ctx.sudo);
    return {
      id: 'engine',
      title: TITLE,
      status: 'warn',
      found: `${base}`,
      why:
        'Docker Desktop runs containers inside its own virtual machine, which cannot pass /dev/kvm through: Windows would only run ' +
        'in software emulation (KVM=N), about 10x slower.',
      fix: {
        text: `For full speed use Docker Engine (or Podman) directly on this computer, and point the docker command back at it.${install.note ? ` ${install.note}` : ''}`,
        commands: [
          ...(install.docker.length ? [`# Docker Engine on ${distro.name}:`, ...install.docker] : []),
          'docker context use default',
        ],
      },
    };
  }
  const skipped = probes.find((p) => p.candidate.source === 'context' && p.state !== 'ok');
  if (skipped && skipped !== selected) {
    return {
      id: 'engine',
      title: TITLE,
      status: 'warn',
      found: `Your current Docker context "${skipped.candidate.context}" (${skipped.candidate.label}) does not answer (${skipped.detail}); Porthole uses the next engine instead: ${base}`,
      why: `${WHY} The docker command would use the context, Porthole the engine that answers: they may see different machines.`,
      fix: {
        text: 'Start the engine of that context, or switch the docker command to the engine Porthole uses.',
        commands: ['docker context use default'],
      },
    };
  }
  return { id: 'engine', title: TITLE, status: 'ok', found: base, why: WHY };
}
