// A machine booting an ISO that is not Windows setup is "Running from ISO" in the app and in the CLI
// (plain and --json), never "Installing Windows", and is never marked installed. The built CLI
// (out/node/cli.js, `npm run build`) runs beside a running backend on the same dirs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isWindowsSetupMedia, type MachineView } from '../api';
import { inspectIso } from '../core/machine/iso';
import { Harness, uniqueName } from '../core/testing/harness';

const CLI = resolve('out/node/cli.js');
const image = inject('standinImage');
const testIso = inject('testIso');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('a machine running an ISO that is not Windows setup (stand-in image, test ISO)', () => {
  let h: Harness;
  const ids: string[] = [];

  function porthole(args: string[]): Promise<Run> {
    const env = { ...process.env, PORTHOLE_CONFIG_DIR: h.configDir, PORTHOLE_DATA_DIR: h.dataDir };
    return new Promise((done) => {
      execFile(process.execPath, [CLI, ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
        done({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first.`);
    h = await Harness.create();
  });
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('is "running-iso" in the app and in the CLI, plain and --json, and not marked installed', async () => {
    // The expectation follows from the ISO itself, read by the wizard's own rule: the test ISO is iPXE.
    expect(isWindowsSetupMedia(await inspectIso(testIso))).toBe(false);
    // Software emulation: the boot is the same on any host, and nothing here is about KVM.
    const m = await h.call('createMachine', { name: uniqueName('Iso'), image, kvm: false, ramGiB: 2, cpuCores: 1, diskGiB: 64, customIso: testIso });
    ids.push(m.id);
    const from = h.mark(m.id);

    const start = await porthole(['start', m.id]);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(new RegExp(`^start: ${m.id} is (booting|running-iso) `, 'm'));

    const app = await h.waitFor(m.id, (v) => v.status.phase === 'running-iso' || v.status.phase === 'failed', 180_000, 'running-iso');
    expect(app.status).toMatchObject({ phase: 'running-iso', message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.', running: true, screenReady: true });

    const json = await porthole(['machines', '--json']);
    expect(json.code).toBe(0);
    const cli = (JSON.parse(json.stdout) as MachineView[]).find((v) => v.id === m.id)!;
    expect({ phase: cli.status.phase, message: cli.status.message, running: cli.status.running, screenReady: cli.status.screenReady }).toEqual({
      phase: app.status.phase,
      message: app.status.message,
      running: app.status.running,
      screenReady: app.status.screenReady,
    });
    const plain = await porthole(['machines']);
    expect(plain.stdout).toMatch(new RegExp(`^${m.id}\\s.*\\srunning from ISO\\s`, 'm'));

    // Longer than the stand-in's simulated Windows Setup would take: still running from the ISO, never installing.
    await new Promise((r) => setTimeout(r, 10_000));
    expect(h.views.get(m.id)!.status.phase).toBe('running-iso');
    expect(h.statusesSince(m.id, from).map((s) => s.phase)).not.toContain('installing');
    const records = JSON.parse(await readFile(join(h.configDir, 'machines.json'), 'utf8')) as { machines: Array<{ settings: { id: string }; installed: boolean }> };
    expect(records.machines.find((r) => r.settings.id === m.id)?.installed).toBe(false);

    await h.call('stopMachine', { id: m.id });
  });
});
