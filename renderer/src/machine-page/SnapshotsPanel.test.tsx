// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MachineView, SnapshotView } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { SnapshotsPanel } from './SnapshotsPanel';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const snapshot: SnapshotView = {
  version: 1,
  id: '20261129-023000-a1b2c3',
  machineId: 'win11',
  name: 'Before updates',
  createdAt: '2026-11-29T02:30:00.000Z',
  installed: true,
  method: 'sparse-copy',
  files: [{ name: 'data.img', apparentBytes: 64 * 1024 ** 3, allocatedBytes: 12 * 1024 ** 3, mtimeMs: 1 }],
  path: '/data/snapshots/win11/20261129-023000-a1b2c3',
  apparentBytes: 64 * 1024 ** 3,
  allocatedBytes: 12 * 1024 ** 3,
};
const stopped: MachineView['status'] = { phase: 'stopped', running: false, screenReady: false };
const running: MachineView['status'] = { phase: 'ready', running: true, screenReady: true };

function setup(status: MachineView['status'], list: SnapshotView[] = [snapshot]): FakeApi {
  state.fake = fakeApi({
    listSnapshots: async () => list,
    takeSnapshot: async ({ name }) => ({
      ...snapshot,
      id: '20261129-030000-000000',
      name: name ?? 'Snapshot of 2026-11-29 03:00 UTC',
    }),
    restoreSnapshot: async () => ({ snapshot, restored: ['data.img'], removed: [] }),
    deleteSnapshot: async () => ({ ok: true }),
  });
  render(<SnapshotsPanel machine={machineView({ status })} />);
  return state.fake;
}

afterEach(cleanup);

describe('SnapshotsPanel', () => {
  it('lists snapshots with name, date and size', async () => {
    setup(stopped);
    const row = await screen.findByTestId('snapshot-row');
    expect(row.textContent).toContain('Before updates');
    expect(row.textContent).toContain('64 GB disk, 12 GB used');
  });

  it('takes a named snapshot and shows the copy progress while it runs', async () => {
    const fake = setup(stopped, []);
    let finish: () => void = () => undefined;
    fake.handlers.takeSnapshot = ({ name }) =>
      new Promise((resolve) => {
        finish = () => resolve({ ...snapshot, name: name ?? '' });
      });
    await screen.findByTestId('snapshots-empty');
    await userEvent.type(screen.getByRole('textbox'), 'Clean install');
    await userEvent.click(screen.getByRole('button', { name: 'Take snapshot' }));
    fake.emit('snapshotProgress', {
      machineId: 'win11',
      operation: 'take',
      snapshotId: snapshot.id,
      doneBytes: 3e9,
      totalBytes: 12e9,
    });
    expect((await screen.findByRole('progressbar', { name: 'Copy progress' })).getAttribute('value')).toBe('25');
    finish();
    await screen.findByText('Took “Clean install”.');
    expect(fake.callsOf('takeSnapshot')).toEqual([{ id: 'win11', name: 'Clean install' }]);
  });

  it('asks before restoring, saying every change since the snapshot is lost; Cancel changes nothing', async () => {
    const fake = setup(stopped);
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Before updates' }));
    expect(screen.getByTestId('snapshot-loss').textContent).toMatch(
      /Every change made in Windows since then .* is lost/,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsOf('restoreSnapshot')).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Restore Before updates' }));
    await userEvent.click(screen.getByRole('button', { name: 'Restore and lose the changes' }));
    await waitFor(() =>
      expect(fake.callsOf('restoreSnapshot')).toEqual([{ id: 'win11', snapshotId: snapshot.id, confirmLoss: true }]),
    );
  });

  it('while the machine runs: says to stop it, and offers no take or restore', async () => {
    setup(running);
    await screen.findByTestId('snapshot-row');
    expect(screen.getByRole('note').textContent).toMatch(/Stop the machine/);
    expect((screen.getByRole('button', { name: 'Take snapshot' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Restore Before updates' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the backend’s refusal with its remedy', async () => {
    const fake = setup(stopped);
    fake.handlers.takeSnapshot = () =>
      Promise.reject(
        Object.assign(new Error('Not enough free space for the snapshot.'), { remedy: 'Free some space.' }),
      );
    await userEvent.click(await screen.findByRole('button', { name: 'Take snapshot' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Not enough free space for the snapshot. Free some space.',
    );
  });
});
