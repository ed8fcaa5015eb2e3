// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { loadStylesheets } from '../testing/stylesheets';
import { DeleteMachine } from './DeleteMachine';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

afterEach(cleanup);

describe('the delete dialog of a machine with snapshots', () => {
  it('shows "also delete its snapshots" as a checkbox beside its label, not a full-width box (issue 23 item 2)', async () => {
    const unload = loadStylesheets('app/app.css', 'ui/ui.css', 'machine-form/machine-form.css');
    try {
      state.fake = fakeApi({
        listSnapshots: async () => [
          {
            version: 1,
            id: '20261201-100000-a1b2c3',
            machineId: 'win11',
            name: 'before-update',
            createdAt: '2026-12-01T10:00:00.000Z',
            installed: true,
            method: 'sparse-copy',
            files: [],
            path: '/home/ada/.local/share/porthole/snapshots/win11/20261201-100000-a1b2c3',
            apparentBytes: 64 * 1024 ** 3,
            allocatedBytes: 3e9,
          },
        ],
      });
      render(
        <DeleteMachine
          machine={machineView({ status: { phase: 'stopped', running: false, screenReady: false } })}
          onClose={() => undefined}
          onDeleted={() => undefined}
        />,
      );
      const box = await screen.findByRole('checkbox', { name: /Also delete its snapshot/ });
      expect(getComputedStyle(box).width).not.toBe('100%');
      expect(getComputedStyle(box).flexShrink).toBe('0');
      for (const radio of screen.getAllByRole('radio')) expect(getComputedStyle(radio).width).not.toBe('100%');
    } finally {
      unload();
    }
  });
});
