// A machine booting an ISO that is not Windows setup is "Running from ISO" in the app and in the CLI
// (plain and --json), never "Installing Windows", and is never marked installed. The built CLI
// (out/node/cli.js, `npm run build`) runs beside a running backend on the same dirs.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { isWindowsSetupMedia } from '../api';
import { inspectIso } from '../core/machine/iso';
import { cliBesideBackend, statusFacts } from '../core/testing/cli-beside-backend';
import { uniqueName } from '../core/testing/harness';

const image = inject('standinImage');
const testIso = inject('testIso');

describe('a machine running an ISO that is not Windows setup (stand-in image, test ISO)', () => {
  const side = cliBesideBackend();
  const { ids, porthole } = side;

  it('is "running-iso" in the app and in the CLI, plain and --json, and not marked installed', async () => {
    // The expectation follows from the ISO itself, read by the wizard's own rule: the test ISO is iPXE.
    expect(isWindowsSetupMedia(await inspectIso(testIso))).toBe(false);
    // Software emulation: the boot is the same on any host, and nothing here is about KVM.
    const m = await side.h.call('createMachine', {
      name: uniqueName('Iso'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
      customIso: testIso,
    });
    ids.push(m.id);
    const from = side.h.mark(m.id);

    const start = await porthole(['start', m.id]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(new RegExp(`^start: ${m.id} is (booting|running-iso) `, 'm'));

    const app = await side.h.waitFor(
      m.id,
      (v) => v.status.phase === 'running-iso' || v.status.phase === 'failed',
      180_000,
      'running-iso',
    );
    expect(app.status).toMatchObject({
      phase: 'running-iso',
      message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.',
      running: true,
      screenReady: true,
    });

    expect(await side.cliStatus(m.id)).toEqual(statusFacts(app));
    const plain = await porthole(['machines']);
    expect(plain.stdout).toMatch(new RegExp(`^${m.id}\\s.*\\srunning from ISO\\s`, 'm'));

    // Longer than the stand-in's simulated Windows Setup would take: still running from the ISO, never installing.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(side.h.views.get(m.id)!.status.phase).toBe('running-iso');
    expect(side.h.statusesSince(m.id, from).map((s) => s.phase)).not.toContain('installing');
    const records = JSON.parse(await readFile(join(side.h.configDir, 'machines.json'), 'utf8')) as {
      machines: Array<{ settings: { id: string }; installed: boolean }>;
    };
    expect(records.machines.find((r) => r.settings.id === m.id)?.installed).toBe(false);

    await side.h.call('stopMachine', { id: m.id });
  });
});
