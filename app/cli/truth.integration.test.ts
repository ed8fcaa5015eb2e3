// The CLI says what the machine is really doing: the same state the app derives, and a start that
// the image ends a moment later is a failed start. The built CLI (out/node/cli.js, `npm run build`)
// runs in a child process on the same config and data dirs as a running backend (the app).
import { execFile } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../api';
import { cliBesideBackend, statusFacts, type CliBesideBackend } from '../core/testing/cli-beside-backend';
import { composeCommand } from '../core/testing/compose-command';
import { uniqueName } from '../core/testing/harness';
import { PrivatePodman } from '../core/testing/private-podman';
import type { TestUser } from '../core/testing/rootless-user';
import { realHostClass } from '../core/testing/test-host';

const exec = promisify(execFile);
const image = inject('standinImage');
const base = { image, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

describe('the CLI and the app agree on what a machine does (stand-in image)', () => {
  const side = cliBesideBackend();
  const { ids, porthole } = side;

  fixesAndStops(side);

  it('machines --json, started fresh beside the running app, gives the app’s phase, message and screen state', async () => {
    const m = await side.h.call('createMachine', { name: uniqueName('Agree'), ...base, kvm: false });
    ids.push(m.id);
    await side.h.call('startMachine', { id: m.id });
    // "ready" holds still (the stand-in runs until stopped), so both reads see the same moment.
    const app = await side.h.waitFor(
      m.id,
      (v) => v.status.phase === 'ready' || v.status.phase === 'failed',
      180_000,
      'ready',
    );
    expect(app.status.phase).toBe('ready');
    expect(await side.cliStatus(m.id)).toEqual(statusFacts(app));
  });

  // What KVM does for a container depends on this machine: nested: the image's own KVM test ends it
  // with 88 a moment after the start; none: the start is refused (no /dev/kvm); kvm: it boots.
  it('porthole start waits past the image’s checks: exit 1 with the cause and remedy when the KVM test fails', async () => {
    const cls = await realHostClass();
    const m = await side.h.call('createMachine', { name: uniqueName('KvmCli'), ...base, kvm: true });
    ids.push(m.id);
    const run = await porthole(['start', m.id]);
    if (cls === 'kvm') {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^start: ${m.id} is (booting|installing|ready) `, 'm'));
      return;
    }
    expect(run.code).toBe(1);
    expect(run.stdout).not.toMatch(/done/);
    if (cls === 'none') {
      expect(run.stderr).toMatch(/\/dev\/kvm/);
      return;
    }
    expect(run.stderr).toContain(`${m.id} did not start: The machine could not use KVM hardware acceleration.`);
    expect(run.stderr).toMatch(/software emulation/);
    // Plain "porthole machines" shows the cause too, not only --json.
    const list = await porthole(['machines']);
    expect(list.stdout).toContain(`${m.id} failed: The machine could not use KVM hardware acceleration.`);
  });

  it('porthole fix on a machine that never failed refuses, saying what it would do, and neither changes nor starts it', async () => {
    const m = await side.h.call('createMachine', { name: uniqueName('NoFail'), ...base, kvm: true });
    ids.push(m.id);
    // other-ports: no host predicts a port failure. (software-emulation on a never-started machine is the create
    // warning's own fix where the host cannot give KVM: the create test below runs it.)
    const run = await porthole(['fix', m.id, 'other-ports']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `has no failed start to fix (it is not started yet). The fix other-ports would start it on new host ports`,
    );
    expect(run.stderr).toContain(`porthole start ${m.id}`);
    const after = await side.h.call('getMachine', { id: m.id });
    expect(after.kvm).toBe(true);
    expect(after.status.running).toBe(false);
    expect(await side.h.containersOf(m.id)).toEqual([]);
  });

  // Issue 26.4: a container run with settings Porthole does not keep was adopted without a word about them.
  it('porthole adopt names each setting of the container it does not keep', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'porthole-adopt-says-'));
    const name = `porthole-adopt-says-${Math.random().toString(36).slice(2, 8)}`;
    try {
      // Made by "another configuration" (its labels), so the stand-in image is adoptable; only created, never run.
      await side.h.docker(
        'create',
        '--name',
        name,
        '--label',
        'io.porthole.machine=elsewhere',
        '--label',
        'io.porthole.instance=another-configuration',
        '-v',
        `${dir}:/storage`,
        '-e',
        'VERSION=11',
        '--privileged',
        '--network',
        'host',
        '--pid',
        'host',
        '--ipc',
        'host',
        '--device',
        '/dev/mem',
        '--cap-add',
        'ALL',
        '--security-opt',
        'seccomp=unconfined',
        '--user',
        '1000',
        '--shm-size',
        '1g',
        '--entrypoint',
        '/bin/sh',
        image,
        '-c',
        'true',
      );
      const run = await porthole(['adopt', name, '--json']);
      expect(run.code).toBe(0);
      const adopted = JSON.parse(run.stdout) as { machine: MachineView; warnings: string[] };
      ids.push(adopted.machine.id);
      const said = adopted.warnings.join('\n');
      for (const what of [
        'runs privileged',
        'the network of the host',
        'the process space of the host',
        'the memory space (ipc) of the host',
        'the device /dev/mem',
        'the capabilities ALL',
        'security options',
        'shm_size',
        'entrypoint or command',
        'the user it runs as',
      ]) {
        expect(said).toContain(what);
      }
    } finally {
      await side.h.docker('rm', '-f', name).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Issue 26: the answers that hang on the engine's own behaviour hold on Podman too (its compatible API).
describe('the CLI’s fixes and stops on Podman (a private rootful podman system service)', () => {
  fixesAndStops(cliBesideBackend(() => PrivatePodman.start({ image })));
});

describe('the CLI’s fixes and stops on rootless Podman (a private podman system service as an unprivileged user)', () => {
  let user: TestUser | undefined;
  const side = cliBesideBackend(async () => {
    user = await PrivatePodman.rootlessUser();
    return PrivatePodman.start({ image, user });
  });
  // In real use Porthole runs as the engine's user; here the backend and the CLI run as root (see podman.integration.test.ts).
  fixesAndStops(side, async (m) => {
    await chmod(join(side.h.configDir, '..'), 0o711);
    await chown(m.storageDir, user!.uid, user!.gid);
  });
});

/**
 * Issue 26.1 and 26.2: the fix reports the new container; stop ends the container the machine runs as.
 * `prepare`: what a machine needs before it starts on this engine (a rootless one: its folder handed to the engine's user).
 */
function fixesAndStops(
  side: CliBesideBackend,
  prepare: (m: MachineView) => Promise<void> = async () => undefined,
): void {
  const { ids, porthole } = side;

  // Issue 26.1: the fix saves KVM off first, and that change showed the machine again with the last run's
  // failure, which was taken for the fix's outcome: exit 1 with the old cause, the old container's id.
  it('porthole fix software-emulation after a failed start reports the new container’s phase, not the old failure', async () => {
    const cls = await realHostClass();
    const m = await side.h.call('createMachine', { name: uniqueName('FixCli'), ...base, kvm: true });
    ids.push(m.id);
    await prepare(m);
    const start = await porthole(['start', m.id, '--json']);
    if (cls === 'kvm') {
      // KVM works here: the start is no failure, so there is nothing to fix, and the fix says so.
      expect(start.code).toBe(0);
      await side.h.call('stopMachine', { id: m.id });
      const refused = await porthole(['fix', m.id, 'software-emulation']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('has no failed start to fix');
      return;
    }
    expect(start.code).toBe(1);
    const before = (await side.h.docker('inspect', '--format', '{{.Id}}', side.h.containerName(m.id))).trim();
    const fixed = await porthole(['fix', m.id, 'software-emulation', '--json']);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
    const view = JSON.parse(fixed.stdout) as MachineView;
    expect(view.kvm).toBe(false);
    expect(['booting', 'installing', 'running-iso', 'ready']).toContain(view.status.phase);
    expect(view.status.failure).toBeUndefined();
    expect(view.status.containerId).toBeDefined();
    expect(view.status.containerId).not.toBe(before);
    const env = JSON.parse(
      await side.h.docker('inspect', '--format', '{{json .Config.Env}}', side.h.containerName(m.id)),
    ) as string[];
    expect(env).toContain('KVM=N');
    await side.h.call('stopMachine', { id: m.id });
  });

  it('porthole create warns when the machine would use KVM this computer cannot give it, and not where it can', async () => {
    const cls = await realHostClass();
    const name = uniqueName('Warn');
    const run = await porthole(['create', '--name', name, '--image', image, '--ram', '2', '--cpus', '1', '--json']);
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout) as MachineView;
    const { id } = created;
    ids.push(id);
    await prepare(created);
    if (cls === 'kvm') expect(run.stderr).toBe('');
    else {
      // The fix is one command on this machine, not a remove and a new create.
      expect(run.stderr).toMatch(
        new RegExp(
          `^Warning: ${name} uses KVM, but this computer cannot give it to machines .*porthole fix ${id} software-emulation`,
          's',
        ),
      );
      expect(run.stderr).not.toMatch(/porthole rm|--no-kvm/);
      // And the command it names works on the machine as it is (never started): KVM off, started.
      const fixed = await porthole(['fix', id, 'software-emulation', '--json']);
      expect(fixed.stderr).toBe('');
      expect(fixed.code).toBe(0);
      expect(JSON.parse(fixed.stdout)).toMatchObject({ id, kvm: false });
      await porthole(['kill', id]);
    }
    const emulated = await porthole([
      'create',
      '--name',
      uniqueName('NoKvm'),
      '--image',
      image,
      '--ram',
      '2',
      '--cpus',
      '1',
      '--no-kvm',
      '--json',
    ]);
    ids.push((JSON.parse(emulated.stdout) as { id: string }).id);
    expect(emulated.stderr).toBe('');
  });

  // Issue 26.2: the machine runs as the container of its own exported compose file; Porthole shows it
  // running, and stop ended only Porthole's own (stopped) container: "done", and it ran on.
  it('porthole stop stops the machine where it runs as its exported compose file’s container', async () => {
    const compose = await composeCommand();
    const dir = await mkdtemp(join(tmpdir(), 'porthole-stop-'));
    const file = join(dir, 'compose.yml');
    const project = `porthole-stop-${Math.random().toString(36).slice(2, 8)}`;
    const up = (args: string[]) =>
      exec(compose[0]!, [...compose.slice(1), '-p', project, '-f', file, ...args], { env: side.env });
    try {
      const m = await side.h.call('createMachine', { name: uniqueName('StopCompose'), ...base, kvm: false });
      ids.push(m.id);
      await prepare(m);
      expect((await porthole(['export', m.id, '-o', file])).code).toBe(0);
      // The file binds Porthole's OEM folder: there, with its install script, though the machine never started.
      expect(await readdir(join(side.h.dataDir, 'oem', m.id))).toContain('install.bat');
      await up(['up', '-d']);
      const outside = `${side.h.containerName(m.id)}-compose`;
      // QEMU runs (during Setup the stand-in, like the image, gives a stop 13 s before it ends QEMU).
      await side.h.waitFor(
        m.id,
        (v) => v.status.running && ['installing', 'ready'].includes(v.status.phase),
        180_000,
        'running from compose',
      );
      expect((await side.cliStatus(m.id)).running).toBe(true);

      const run = await porthole(['stop', m.id]);
      expect(run.code).toBe(0);
      expect((await side.h.docker('inspect', '--format', '{{.State.Running}}', outside)).trim()).toBe('false');
      expect((await side.cliStatus(m.id)).running).toBe(false);
    } finally {
      await up(['down']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
}
