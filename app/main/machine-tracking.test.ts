// The shell's list of machines follows the backend's events (machine-tracking.ts), with a fake Electron and backend.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MachineView } from '../api';
import { fakeBackend, type FakeBackend } from './testing/fake-backend';
import { FakeBrowserWindow, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { machine } from './testing/machines';
import { testShell } from './testing/shell';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { trackMachines } = await import('./machine-tracking');

const tmp = await mkdtemp(join(tmpdir(), 'porthole-tracking-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

let backend: FakeBackend;
beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
  backend = fakeBackend([machine('win11', 'stopped', {}, 'Windows 11')]);
});

function followers() {
  const trays: string[][] = [];
  return {
    trays,
    notifier: { seed: vi.fn(), changed: vi.fn(), removed: vi.fn() },
    tray: { update: (machines: MachineView[]) => void trays.push(machines.map((m) => `${m.id}:${m.status.phase}`)) },
  };
}

describe('following the machines', () => {
  it('reads the list once, seeding the notifier (no news for how things already are) and the tray', async () => {
    const shell = await testShell(backend, tmp);
    const f = followers();
    await trackMachines(shell, f);
    expect([...shell.machines.keys()]).toEqual(['win11']);
    expect(f.notifier.seed).toHaveBeenCalledWith([expect.objectContaining({ id: 'win11' })]);
    expect(f.notifier.changed).not.toHaveBeenCalled();
    expect(f.trays).toEqual([['win11:stopped']]);
  });

  it('takes each change and removal; a removed machine’s screen window closes; other events change nothing', async () => {
    const shell = await testShell(backend, tmp);
    const f = followers();
    await trackMachines(shell, f);
    const ready = machine('win11', 'ready', {}, 'Windows 11');
    backend.emit({ event: 'machineChanged', payload: ready });
    expect(f.notifier.changed).toHaveBeenCalledWith(ready);
    expect(shell.machines.get('win11')).toBe(ready);
    await shell.openScreen('win11');
    const screen = FakeBrowserWindow.all[0]!;
    backend.emit({ event: 'engineChanged', payload: { connected: true } } as never);
    backend.emit({ event: 'machineRemoved', payload: { id: 'win11' } });
    expect(f.notifier.removed).toHaveBeenCalledWith('win11');
    expect(shell.machines.size).toBe(0);
    expect(screen.isDestroyed()).toBe(true);
    expect(f.trays).toEqual([['win11:stopped'], ['win11:ready'], []]);
  });

  it('starts empty when the list cannot be read, and still follows events', async () => {
    backend.handlers.listMachines = async () => {
      throw new Error('engine away');
    };
    const shell = await testShell(backend, tmp);
    const f = followers();
    await trackMachines(shell, f);
    expect(shell.machines.size).toBe(0);
    expect(f.notifier.seed).not.toHaveBeenCalled();
    backend.emit({ event: 'machineChanged', payload: machine('win11', 'booting') });
    expect(f.trays).toEqual([['win11:booting']]);
  });
});
