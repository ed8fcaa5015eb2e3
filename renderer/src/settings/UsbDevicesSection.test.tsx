// @vitest-environment jsdom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { USB_DEVICES_MAX, type MachineView, type UsbDeviceRef, type UsbListing } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { MachineSettingsPage } from './MachineSettingsPage';
import { UsbDevicesSection } from './UsbDevicesSection';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({ porthole: () => state.fake!.api, onBackendConnection: () => () => undefined }));

const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech, Inc. Unifying Receiver' };
const stick = { vendorId: '0781', productId: '5581', name: 'SanDisk Corp. Ultra' };
const plugged = (...refs: UsbDeviceRef[]): UsbListing => ({
  devices: refs.map((r, i) => ({ ...r, bus: 1, device: i + 2 })),
  busAvailable: true,
});

function section(listing: UsbListing | (() => Promise<UsbListing>), value: UsbDeviceRef[] = [], running = false) {
  state.fake = fakeApi({ listUsbDevices: typeof listing === 'function' ? listing : async () => listing });
  const onChange = vi.fn<(devices: UsbDeviceRef[]) => void>();
  const view = render(<UsbDevicesSection value={value} onChange={onChange} running={running} />);
  return {
    onChange,
    rerender: (next: UsbDeviceRef[]) =>
      view.rerender(<UsbDevicesSection value={next} onChange={onChange} running={running} />),
  };
}

beforeEach(() => {
  window.location.hash = '#/machine/win11';
});
afterEach(cleanup);

describe('USB devices section', () => {
  it('lists this computer’s devices by readable name with a checkbox each; ticking and unticking change the choice', async () => {
    const { onChange, rerender } = section(plugged(receiver, stick));
    const box = await screen.findByRole('checkbox', { name: /Logitech, Inc\. Unifying Receiver/ });
    expect((screen.getByRole('checkbox', { name: /SanDisk Corp\. Ultra 0781:5581/ }) as HTMLInputElement).checked).toBe(
      false,
    );
    await userEvent.setup().click(box);
    expect(onChange).toHaveBeenLastCalledWith([receiver]);
    rerender([receiver]);
    expect((screen.getByRole('checkbox', { name: /Logitech/ }) as HTMLInputElement).checked).toBe(true);
    await userEvent.setup().click(screen.getByRole('checkbox', { name: /Logitech/ }));
    expect(onChange).toHaveBeenLastCalledWith([]);
  });

  it('shows a chosen device that is not plugged in as such, still there to remove', async () => {
    const { onChange } = section(plugged(receiver), [stick]);
    const absent = await screen.findByRole('checkbox', { name: /SanDisk Corp\. Ultra 0781:5581 Not plugged in/ });
    expect((absent as HTMLInputElement).checked).toBe(true);
    expect((await screen.findByRole('checkbox', { name: /Logitech/ })).closest('li')?.textContent).not.toContain(
      'Not plugged in',
    );
    await userEvent.setup().click(absent);
    expect(onChange).toHaveBeenLastCalledWith([]);
  });

  it('has an empty state, and says why nothing can be passed on a computer without a USB bus', async () => {
    section(plugged());
    expect(await screen.findByText('No USB devices found on this computer.')).toBeTruthy();
    cleanup();
    section(
      {
        devices: [],
        busAvailable: false,
        busMessage: 'This computer has no /dev/bus/usb, so no USB device can be passed.',
      },
      [stick],
    );
    expect((await screen.findByTestId('usb-no-bus')).textContent).toContain('This computer has no /dev/bus/usb');
    expect(screen.queryByText('No USB devices found on this computer.')).toBeNull();
    expect((screen.getByRole('checkbox', { name: /SanDisk.*Not plugged in/ }) as HTMLInputElement).checked).toBe(true);
  });

  it('with a remote engine, says whose devices the machines get', async () => {
    section({ ...plugged(receiver), remoteNote: 'Machines run on vmhost.lan, the container engine’s computer.' });
    expect((await screen.findByTestId('usb-remote')).textContent).toContain('Machines run on vmhost.lan');
  });

  it('Refresh lists again (a device plugged in meanwhile appears)', async () => {
    let now = plugged(receiver);
    section(async () => now);
    await screen.findByRole('checkbox', { name: /Logitech/ });
    expect(screen.queryByRole('checkbox', { name: /SanDisk/ })).toBeNull();
    now = plugged(receiver, stick);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('checkbox', { name: /SanDisk/ })).toBeTruthy();
    expect(state.fake!.callsOf('listUsbDevices')).toHaveLength(2);
  });

  it('says so when the list cannot be read', async () => {
    section(() => Promise.reject(new Error('EACCES')));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Porthole could not list this computer’s USB devices',
    );
  });

  it('offers no more devices once the machine has the most it takes', async () => {
    const many = Array.from({ length: USB_DEVICES_MAX }, (_, i) => ({
      vendorId: 'fffe',
      productId: `000${i + 1}`,
      name: `Device ${i + 1}`,
    }));
    section(plugged(receiver), many);
    expect(((await screen.findByRole('checkbox', { name: /Logitech/ })) as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByText(`A machine takes at most ${USB_DEVICES_MAX} USB devices.`)).toBeTruthy();
  });

  it('on a running machine, attaches a plugged-in device now and detaches it, through the backend', async () => {
    state.fake = fakeApi({
      listUsbDevices: async () => plugged(receiver),
      attachedUsb: async () => ({ attached: [] }),
      attachUsb: async () => ({ attached: ['046d:c52b'] }),
      detachUsb: async () => ({ attached: [] }),
    });
    render(<UsbDevicesSection value={[]} onChange={() => undefined} running machineId="win11" />);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Attach now' }));
    await user.click(await screen.findByRole('button', { name: 'Detach now' }));
    expect(await screen.findByRole('button', { name: 'Attach now' })).toBeTruthy();
    expect(state.fake.callsOf('attachUsb')).toEqual([{ id: 'win11', vendorId: '046d', productId: 'c52b' }]);
    expect(state.fake.callsOf('detachUsb')).toEqual([{ id: 'win11', vendorId: '046d', productId: 'c52b' }]);
    // Ticks are the machine's setting for its starts: attaching changes none.
    expect((screen.getByRole('checkbox', { name: /Logitech/ }) as HTMLInputElement).checked).toBe(false);
  });

  it('on a running machine, says the change applies at the next start', async () => {
    section(plugged(receiver), [], true);
    expect((await screen.findByTestId('usb-running-note')).textContent).toContain(
      'changes to its USB devices apply at its next start',
    );
  });
});

describe('USB devices on the settings page', () => {
  function page(machine: MachineView, listing: UsbListing): FakeApi {
    state.fake = fakeApi({
      creationDefaults: async () => hostDefaults(),
      listUsbDevices: async () => listing,
      updateMachine: async ({ changes }) => ({
        machine: { ...machine, ...changes } as MachineView,
        appliesAt: 'recreate',
      }),
      applyMachine: async () => ({ ok: true }),
    });
    render(<MachineSettingsPage machine={machine} loaded machines={[machine]} />);
    return state.fake;
  }

  it('a ticked device is saved with Apply through updateMachine, and the section says when it applies', async () => {
    const fake = page(machineView(), plugged(receiver, stick));
    await userEvent.setup().click(await screen.findByRole('checkbox', { name: /Logitech/ }));
    const usb = screen.getByTestId('settings-usb');
    expect(within(usb).getByText('Changed · applies at next start')).toBeTruthy();
    const bar = screen.getByTestId('settings-bar');
    await waitFor(() =>
      expect((within(bar).getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(false),
    );
    await userEvent.setup().click(within(bar).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.callsOf('updateMachine')).toHaveLength(1));
    expect(fake.callsOf('updateMachine')[0]).toEqual({ id: 'win11', changes: { usbDevices: [receiver] } });
  });

  it('unticking the last device sends an empty list; a machine without devices and nothing ticked has no change', async () => {
    const fake = page(machineView({ usbDevices: [receiver] }), plugged(receiver));
    expect(await screen.findByText('No changes.')).toBeTruthy();
    await userEvent.setup().click(await screen.findByRole('checkbox', { name: /Logitech/ }));
    const bar = screen.getByTestId('settings-bar');
    await waitFor(() =>
      expect((within(bar).getByRole('button', { name: 'Apply' }) as HTMLButtonElement).disabled).toBe(false),
    );
    await userEvent.setup().click(within(bar).getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(fake.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { usbDevices: [] } }]));
  });
});
