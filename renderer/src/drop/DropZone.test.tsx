// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortholeError, type IsoInfo } from '@porthole/api';
import { fakeApi, hostDefaults, machineView, type FakeApi } from '../testing/fake-api';
import { useIsoDropClaim } from './claim';
import type { DropData } from './drop-data';
import { DropZone } from './DropZone';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

const ISO: IsoInfo = { path: '/isos/ipxe.iso', sizeBytes: 14_700_000, format: 'iso9660', volumeLabel: 'ISOIMAGE' };

function uriDrop(...uris: string[]): DropData {
  return { types: ['text/uri-list'], files: [], getData: (f) => (f === 'text/uri-list' ? uris.join('\r\n') : '') };
}

function fileDrop(files: File[], opts: { folder?: boolean } = {}): DropData {
  return {
    types: ['Files'],
    files,
    items: files.map(() => ({ kind: 'file', webkitGetAsEntry: () => ({ isDirectory: opts.folder ?? false }) })),
    getData: () => '',
  };
}

function dropOn(data: DropData): void {
  const zone = screen.getByTestId('drop-zone');
  fireEvent.dragEnter(zone, { dataTransfer: data });
  fireEvent.dragOver(zone, { dataTransfer: data });
  fireEvent.drop(zone, { dataTransfer: data });
}

/** The calls that would change something: none of them may happen for a refused drop. */
function changingCalls(fake: FakeApi): string[] {
  return fake.calls
    .map((c) => c.action)
    .filter((a) => ['updateMachine', 'applyMachine', 'startMachine', 'createMachine', 'deleteMachine'].includes(a));
}

beforeEach(() => {
  state.fake = fakeApi({
    inspectIso: async ({ path }) => ({ ...ISO, path }),
    getMachine: async () => machineView({ status: { phase: 'ready', running: true, screenReady: true } }),
    updateMachine: async ({ changes }) => ({ machine: machineView(changes as object), appliesAt: 'recreate' }),
    applyMachine: async () => ({ ok: true }),
    startMachine: async () => ({ ok: true }),
    creationDefaults: async () => hostDefaults(),
    listMachines: async () => [],
  });
});
afterEach(() => {
  cleanup();
  delete window.porthole;
});

describe('DropZone', () => {
  it('shows where a file would go only while files are dragged', () => {
    render(
      <DropZone machineId="win11">
        <p>page</p>
      </DropZone>,
    );
    const zone = screen.getByTestId('drop-zone');
    fireEvent.dragEnter(zone, { dataTransfer: { types: ['text/plain'], files: [], getData: () => 'x' } });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    fireEvent.dragEnter(zone, { dataTransfer: uriDrop('file:///a.iso') });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop the ISO to boot this machine from it');
    fireEvent.dragLeave(zone, { dataTransfer: uriDrop('file:///a.iso') });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
  });

  it.each([
    [
      'several files',
      fileDrop([new File(['a'], 'a.iso'), new File(['b'], 'b.iso')]),
      'You dropped 2 files. Drop one ISO file at a time.',
    ],
    ['a folder', fileDrop([new File([''], 'isos')], { folder: true }), '“isos” is a folder, not an ISO file.'],
    ['several URIs', uriDrop('file:///a.iso', 'file:///b.iso'), 'You dropped 2 files.'],
    ['a web address', uriDrop('https://example.org/Win11.iso'), 'is a web address, not a file on this computer'],
  ])('refuses %s without asking the backend', async (_what, data, message) => {
    render(<DropZone machineId="win11">page</DropZone>);
    dropOn(data);
    expect((await screen.findByTestId('drop-error')).textContent).toContain(message);
    expect(screen.getByText('Nothing was changed.')).toBeTruthy();
    expect(state.fake!.calls).toEqual([]);
  });

  it('refuses a file that is not an ISO, whatever its name, with the backend’s reason and remedy', async () => {
    state.fake!.handlers.inspectIso = async ({ path }) => {
      throw new PortholeError(
        'ISO_INVALID',
        `${path} is not an ISO image (no ISO 9660 or UDF signature), whatever its name says.`,
        'Choose a real .iso file.',
      );
    };
    render(<DropZone machineId="win11">page</DropZone>);
    dropOn(uriDrop('file:///tmp/fake.iso'));
    const error = await screen.findByTestId('drop-error');
    expect(error.textContent).toBe(
      '/tmp/fake.iso is not an ISO image (no ISO 9660 or UDF signature), whatever its name says. Choose a real .iso file.',
    );
    expect(state.fake!.callsOf('inspectIso')).toEqual([{ path: '/tmp/fake.iso' }]);
    expect(changingCalls(state.fake!)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'OK' }));
    expect(screen.queryByTestId('drop-dialog')).toBeNull();
  });

  it('boots the window’s machine from a good ISO after one confirmation', async () => {
    render(<DropZone machineId="win11">page</DropZone>);
    dropOn(uriDrop('file:///isos/ipxe.iso'));
    await screen.findByText('Boot “Windows 11” from this ISO?');
    const dialog = screen.getByTestId('drop-dialog');
    expect(dialog.textContent).toContain('the machine simply boots it');
    expect(dialog.textContent).toContain('moves the current Windows disk to the backups folder');
    expect(changingCalls(state.fake!)).toEqual([]);
    await userEvent.click(screen.getByRole('button', { name: 'Restart from this ISO' }));
    await waitFor(() => expect(screen.queryByTestId('drop-dialog')).toBeNull());
    expect(state.fake!.callsOf('updateMachine')).toEqual([{ id: 'win11', changes: { customIso: '/isos/ipxe.iso' } }]);
    expect(state.fake!.callsOf('applyMachine')).toEqual([{ id: 'win11' }]);
    expect(screen.getByRole('status').textContent).toContain('“Windows 11” is starting from ipxe.iso.');
  });

  it('uses the path the desktop shell gives for a dropped file', async () => {
    const pathForFile = vi.fn(() => '/home/ada/Win11.iso');
    Object.assign(window, { porthole: { pathForFile } });
    render(<DropZone machineId="win11">page</DropZone>);
    dropOn(fileDrop([new File(['x'], 'Win11.iso')]));
    await screen.findByText('Boot “Windows 11” from this ISO?');
    expect(pathForFile).toHaveBeenCalledTimes(1);
    expect(state.fake!.callsOf('inspectIso')).toEqual([{ path: '/home/ada/Win11.iso' }]);
  });

  it('a remote engine: the dropped file is copied to its computer first (progress, Cancel copy), then checked there', async () => {
    const there = '/srv/porthole/isos/Win11.iso';
    let finish: () => void = () => undefined;
    state.fake!.handlers.copyIsoToEngine = ({ path }) =>
      new Promise((resolve) => {
        finish = () =>
          resolve({ path: there, host: 'box', sizeBytes: 2048, sha256: null, reused: false, renamed: false });
        expect(path).toBe('/home/ada/Win11.iso');
      });
    Object.assign(window, { porthole: { pathForFile: () => '/home/ada/Win11.iso' } });
    render(
      <DropZone machineId="win11" engineHost="box">
        page
      </DropZone>,
    );
    dropOn(fileDrop([new File(['x'], 'Win11.iso')]));
    expect((await screen.findByText('Copying the ISO to box')).tagName).toBe('H2');
    const { copyId } = state.fake!.callsOf('copyIsoToEngine')[0]!;
    act(() => state.fake!.emit('isoCopyProgress', { copyId, phase: 'copying', doneBytes: 1024, totalBytes: 2048 }));
    expect(screen.getByRole('progressbar', { name: 'Copying Win11.iso to box' }).getAttribute('value')).toBe('1024');
    expect(screen.getByText('Copying Win11.iso to box: 50% of 2 KB')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Cancel copy' })).toBeTruthy();
    // Nothing is checked there before the copy is: the path here means nothing on box.
    expect(state.fake!.callsOf('inspectIso')).toEqual([]);
    act(() => finish());
    await screen.findByText('Boot “Windows 11” from this ISO?');
    expect(state.fake!.callsOf('inspectIso')).toEqual([{ path: there }]);
  });

  it('a remote engine: Cancel copy stops the copy by its id and closes; nothing else is asked', async () => {
    state.fake!.handlers.copyIsoToEngine = () => new Promise(() => undefined);
    state.fake!.handlers.cancelIsoCopy = async () => ({ cancelled: true });
    Object.assign(window, { porthole: { pathForFile: () => '/home/ada/Win11.iso' } });
    render(<DropZone engineHost="box">page</DropZone>);
    dropOn(fileDrop([new File(['x'], 'Win11.iso')]));
    await screen.findByText('Copying the ISO to box');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Cancel copy' }));
    const { copyId } = state.fake!.callsOf('copyIsoToEngine')[0]!;
    expect(state.fake!.callsOf('cancelIsoCopy')).toEqual([{ copyId }]);
    expect(screen.queryByTestId('drop-dialog')).toBeNull();
    expect(changingCalls(state.fake!)).toEqual([]);
  });

  it('asks for the path when the browser hides where the file is (the web host)', async () => {
    render(<DropZone>page</DropZone>);
    dropOn(fileDrop([new File(['x'], 'Win11.iso')]));
    expect((await screen.findByRole('dialog')).textContent).toContain('Where is “Win11.iso”?');
    const field = screen.getByLabelText('Full path of the ISO file');
    await userEvent.type(field, 'Downloads/Win11.iso');
    expect(screen.getByText(/must be a full path starting with \//)).toBeTruthy();
    await userEvent.clear(field);
    await userEvent.type(field, '/home/ada/Downloads/Win11.iso{Enter}');
    await waitFor(() => expect(state.fake!.callsOf('inspectIso')).toEqual([{ path: '/home/ada/Downloads/Win11.iso' }]));
    // On the main window a good ISO offers a new machine.
    expect((await screen.findByText('Create a new machine from this ISO?')).tagName).toBe('H2');
  });

  it('creates a new machine from an ISO dropped on the main window, with consent to emulation where needed', async () => {
    state.fake!.handlers.creationDefaults = async () => hostDefaults({ kvmNested: true });
    state.fake!.handlers.createMachine = async (draft) =>
      machineView({ id: 'ipxe', name: draft.name, customIso: draft.customIso ?? null });
    render(<DropZone>page</DropZone>);
    dropOn(uriDrop('file:///isos/ipxe.iso'));
    const create = await screen.findByRole('button', { name: 'Create and start' });
    await waitFor(() => expect(screen.getByText(/would run in software emulation/)).toBeTruthy());
    expect((create as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByLabelText(/Run it in software emulation/));
    expect((create as HTMLButtonElement).disabled).toBe(false);
    await userEvent.click(create);
    await waitFor(() => expect(state.fake!.callsOf('startMachine')).toEqual([{ id: 'ipxe' }]));
    expect(state.fake!.callsOf('createMachine')).toEqual([{ name: 'ipxe', customIso: '/isos/ipxe.iso', kvm: false }]);
  });

  it('hands the ISO to a part of the page that claims drops (the wizard), without a confirmation', async () => {
    const onIso = vi.fn();
    function Claimer() {
      useIsoDropClaim('Drop the ISO to install from it', onIso);
      return <p>wizard</p>;
    }
    render(
      <DropZone>
        <Claimer />
      </DropZone>,
    );
    fireEvent.dragEnter(screen.getByTestId('drop-zone'), { dataTransfer: uriDrop('file:///isos/ipxe.iso') });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop the ISO to install from it');
    await act(async () => dropOn(uriDrop('file:///isos/ipxe.iso')));
    await waitFor(() => expect(onIso).toHaveBeenCalledWith('/isos/ipxe.iso', { ...ISO, path: '/isos/ipxe.iso' }));
    expect(screen.queryByTestId('drop-dialog')).toBeNull();
    expect(changingCalls(state.fake!)).toEqual([]);
  });
});
