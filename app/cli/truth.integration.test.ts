// The CLI says what the machine is really doing: the same state the app derives, and a start that
// the image ends a moment later is a failed start. The built CLI (out/node/cli.js, `npm run build`)
// runs in a child process on the same config and data dirs as a running backend (the app).
import { describe, expect, inject, it } from 'vitest';
import { cliBesideBackend, statusFacts } from '../core/testing/cli-beside-backend';
import { uniqueName } from '../core/testing/harness';
import { realHostClass } from '../core/testing/test-host';

const image = inject('standinImage');
const base = { image, ramGiB: 2, cpuCores: 1, diskGiB: 64 } as const;

describe('the CLI and the app agree on what a machine does (stand-in image)', () => {
  const side = cliBesideBackend();
  const { ids, porthole } = side;

  it('machines --json, started fresh beside the running app, gives the app’s phase, message and screen state', async () => {
    const m = await side.h.call('createMachine', { name: uniqueName('Agree'), ...base, kvm: false });
    ids.push(m.id);
    await side.h.call('startMachine', { id: m.id });
    // "ready" holds still (the stand-in runs until stopped), so both reads see the same moment.
    const app = await side.h.waitFor(m.id, (v) => v.status.phase === 'ready' || v.status.phase === 'failed', 180_000, 'ready');
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

  it('porthole create warns when the machine would use KVM this computer cannot give it, and not where it can', async () => {
    const cls = await realHostClass();
    const name = uniqueName('Warn');
    const run = await porthole(['create', '--name', name, '--image', image, '--ram', '2', '--cpus', '1', '--json']);
    expect(run.code).toBe(0);
    const { id } = JSON.parse(run.stdout) as { id: string };
    ids.push(id);
    if (cls === 'kvm') expect(run.stderr).toBe('');
    else {
      // The fix is one command on this machine, not a remove and a new create.
      expect(run.stderr).toMatch(new RegExp(`^Warning: ${name} uses KVM, but this computer cannot give it to machines .*porthole fix ${id} software-emulation`, 's'));
      expect(run.stderr).not.toMatch(/porthole rm|--no-kvm/);
    }
    const emulated = await porthole(['create', '--name', uniqueName('NoKvm'), '--image', image, '--ram', '2', '--cpus', '1', '--no-kvm', '--json']);
    ids.push((JSON.parse(emulated.stdout) as { id: string }).id);
    expect(emulated.stderr).toBe('');
  });
});
