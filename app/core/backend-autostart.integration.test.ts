import { afterAll, describe, expect, inject, it } from 'vitest';
import { createBackend } from './backend';
import { Harness, uniqueName } from './testing/harness';

const image = inject('standinImage');

describe('auto-start', () => {
  const ids: string[] = [];
  let h: Harness;
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('starts the machines set to auto-start when the desktop app reaches the engine, and only those', async () => {
    h = await Harness.create();
    const auto = await h.call('createMachine', { name: uniqueName('Auto'), image, kvm: false, autoStart: true });
    const manual = await h.call('createMachine', { name: uniqueName('Manual'), image, kvm: false });
    ids.push(auto.id, manual.id);
    await h.shutdown();

    const desktop = await createBackend({
      configDir: h.configDir,
      dataDir: h.dataDir,
      watch: false,
      autoStartMachines: true,
    });
    try {
      const started = await new Promise<string>((resolve) => {
        const off = desktop.subscribe((e) => {
          if (e.event === 'machineChanged' && e.payload.status.running) {
            off();
            resolve(e.payload.id);
          }
        });
      });
      expect(started).toBe(auto.id);
      const list = await desktop.invoke('listMachines', {});
      const views = list.ok ? (list.value as Array<{ id: string; status: { running: boolean } }>) : [];
      expect(views.find((v) => v.id === manual.id)?.status.running).toBe(false);
    } finally {
      await desktop.dispose();
    }
  });
});
