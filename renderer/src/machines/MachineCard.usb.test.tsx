// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { usbMissingWarning, type MachineView } from '@porthole/api';
import { fakeApi, machineView, type FakeApi } from '../testing/fake-api';
import { MachineCard } from './MachineCard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const running: MachineView['status'] = { phase: 'ready', running: true, screenReady: true };
afterEach(cleanup);

describe('MachineCard and USB devices', () => {
  it('says which USB device a running machine started without', () => {
    state.fake = fakeApi();
    const warning = usbMissingWarning({
      vendorId: '046d',
      productId: 'c52b',
      name: 'Logitech, Inc. Unifying Receiver',
    });
    render(
      <MachineCard machine={machineView({ status: running, warnings: [warning] })} onOpenScreen={() => undefined} />,
    );
    expect(screen.getByTestId('machine-warning').textContent).toBe(
      'USB device Logitech, Inc. Unifying Receiver (046d:c52b) is not plugged in; Windows starts without it. Plug it in and restart the machine to use it.',
    );
  });

  it('has no warning when the machine has none', () => {
    state.fake = fakeApi();
    render(<MachineCard machine={machineView({ status: running })} onOpenScreen={() => undefined} />);
    expect(screen.queryByTestId('machine-warning')).toBeNull();
  });
});
