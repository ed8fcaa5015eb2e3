import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { MachineView } from '../../app/api';
import type { ApiClient } from './api';

const run = promisify(execFile);

/**
 * Creates `count` machines of the stand-in image through the web host (software emulation, 1 GiB: the
 * smallest the contract takes, for a version that runs in it, Windows XP; QEMU on a shared 2-core machine stays light), starts them and
 * waits until every one is `ready`. Names are unique: two runs on one engine never share a container.
 */
export async function startMachines(
  api: ApiClient,
  image: string,
  count: number,
  say: (text: string) => void,
  /** More of the create draft for the i-th machine (such as its USB devices). */
  more: (i: number) => Record<string, unknown> = () => ({}),
): Promise<MachineView[]> {
  const tag = Math.random().toString(36).slice(2, 7);
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `Bench ${tag} ${String.fromCharCode(65 + i)}`;
    const m = await api.call<MachineView>('createMachine', {
      name,
      image,
      version: 'xp',
      kvm: false,
      ramGiB: 1,
      cpuCores: 1,
      diskGiB: 8,
      ...more(i),
    });
    ids.push(m.id);
    say(`created ${m.id}`);
  }
  const ready = new Set<string>();
  const allReady = new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`machines not ready after 300 s (${ready.size} of ${ids.length})`));
    }, 300_000);
    const stop = api.subscribe((e) => {
      if (e.event !== 'machineChanged' || !ids.includes(e.payload.id)) return;
      if (e.payload.status.phase === 'ready') ready.add(e.payload.id);
      if (e.payload.status.phase === 'failed') {
        clearTimeout(timer);
        stop();
        fail(new Error(`${e.payload.id} failed: ${e.payload.status.message}`));
      }
      if (ready.size === ids.length) {
        clearTimeout(timer);
        stop();
        done();
      }
    });
  });
  for (const id of ids) await api.call('startMachine', { id });
  say(`${count} machines starting (stand-in image, software emulation, 1 GiB)...`);
  await allReady;
  return (await api.call<MachineView[]>('listMachines')).filter((m) => ids.includes(m.id));
}

/** Removes the containers of these machines whatever state the run left them in (the web host may be gone). */
export async function removeContainers(ids: string[]): Promise<void> {
  for (const id of ids) {
    const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.porthole.machine=${id}`]).catch(() => ({
      stdout: '',
    }));
    const found = stdout.trim().split('\n').filter(Boolean);
    if (found.length > 0) await run('docker', ['rm', '-f', ...found]).catch(() => undefined);
  }
}
