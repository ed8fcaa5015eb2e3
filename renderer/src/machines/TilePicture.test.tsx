// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { TilePicture } from './TilePicture';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

afterEach(cleanup);

describe('TilePicture', () => {
  it('a stopped machine shows its last frame, dimmed; a click opens the machine', async () => {
    state.fake = fakeApi({ lastFrame: async () => ({ png: PNG }) });
    const onOpen = vi.fn();
    render(<TilePicture machine={machineView({ name: 'Office' })} onOpen={onOpen} />);
    await waitFor(() =>
      expect(screen.getByTestId('last-frame').getAttribute('src')).toBe(`data:image/png;base64,${PNG}`),
    );
    expect(screen.getByTestId('last-frame').className).toBe('tile-last-frame');
    expect(state.fake.callsOf('lastFrame')).toEqual([{ id: machineView({}).id }]);
    await userEvent.click(screen.getByRole('button', { name: 'Open Office' }));
    expect(onOpen).toHaveBeenCalledTimes(1);
  });

  it('with no frame kept, an empty screen; on the machine’s own page a stopped picture is no button', async () => {
    state.fake = fakeApi({ lastFrame: async () => ({ png: null }) });
    render(<TilePicture machine={machineView({ name: 'Office' })} onOpen={() => undefined} size="page" />);
    await waitFor(() => expect(state.fake!.callsOf('lastFrame')).toHaveLength(1));
    expect(screen.getByTestId('no-frame')).toBeTruthy();
    expect(screen.queryByRole('button')).toBeNull();
  });
});
