// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import axe from 'axe-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortholeError, type ActionRequest, type IsoCopyResult } from '@porthole/api';
import { DropZone } from '../drop/DropZone';
import { fakeApi, hostDefaults, type FakeApi } from '../testing/fake-api';
import { Wizard } from './Wizard';

const state = vi.hoisted(() => ({ fake: null as FakeApi | null }));
vi.mock('../api/porthole', () => ({
  porthole: () => state.fake!.api,
  onBackendConnection: () => () => undefined,
}));

const GiB = 1024 ** 3;
const THERE = '/home/me/.local/share/porthole/isos/Win11.iso';

/**
 * A remote engine (ssh://box): copyIsoToEngine answers when the test says (`finish`), with progress pushed
 * as events in between, and a cancel makes it fail as the backend does.
 */
function setup(): { fake: FakeApi; finish: (r?: Partial<IsoCopyResult>) => void } {
  let finish: (r?: Partial<IsoCopyResult>) => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const fake = fakeApi({
    creationDefaults: async () => hostDefaults({ storageHost: 'box' }),
    inspectIso: async ({ path }) => ({
      path,
      sizeBytes: 6 * GiB,
      format: 'udf',
      volumeLabel: 'CCCOMA_X64FRE_EN-US_DV9',
    }),
    copyIsoToEngine: ({ path }) =>
      new Promise((resolve, reject) => {
        fail = reject;
        finish = (r = {}) =>
          resolve({
            path: THERE,
            host: 'box',
            sizeBytes: 6 * GiB,
            sha256: 'a'.repeat(64),
            reused: false,
            renamed: false,
            ...r,
          });
        expect(path).toMatch(/^\//);
      }),
    cancelIsoCopy: async () => {
      fail(new PortholeError('CANCELLED', 'The copy of the ISO was cancelled.'));
      return { cancelled: true };
    },
  });
  state.fake = fake;
  return {
    fake,
    finish: (r) => {
      act(() => finish(r));
    },
  };
}

const user = () => userEvent.setup();
const copyButton = () => screen.getByRole('button', { name: 'Copy an ISO from this computer…' });
const live = () => screen.getByTestId('iso-copy').querySelector('[role="status"]')!;

async function openIsoChoice(): Promise<void> {
  await screen.findByTestId('wizard-step-windows');
  await user().click(screen.getByRole('radio', { name: /Install from my own ISO/ }));
  await screen.findByLabelText('ISO file on box', { selector: 'input' });
}

function progress(fake: FakeApi, copyId: string, done: number): void {
  act(() => fake.emit('isoCopyProgress', { copyId, phase: 'copying', doneBytes: done, totalBytes: 6 * GiB }));
}

afterEach(() => {
  cleanup();
  delete (window as unknown as { porthole?: unknown }).porthole;
});

describe('copying an ISO of this computer to a remote engine’s computer (the wizard’s ISO field)', () => {
  beforeEach(() => {
    window.location.hash = '#/new';
  });

  it('picks the file with the desktop chooser, shows progress in a live region with Cancel copy, then fills in the path there', async () => {
    const pickIso = vi.fn(async () => '/home/me/Downloads/Win11.iso');
    (window as unknown as { porthole?: unknown }).porthole = { desktop: { pickIso } };
    const { fake, finish } = setup();
    render(<Wizard machines={[]} />);
    await openIsoChoice();
    await user().click(copyButton());
    await waitFor(() => expect(fake.callsOf('copyIsoToEngine')).toHaveLength(1));
    const [request] = fake.callsOf('copyIsoToEngine') as [ActionRequest<'copyIsoToEngine'>];
    expect(request.path).toBe('/home/me/Downloads/Win11.iso');
    expect(live().textContent).toBe('Looking at Win11.iso and at box…');
    // The one control left has the focus: Cancel copy.
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel copy' }));

    progress(fake, request.copyId, 2.5 * GiB);
    // No accessibility violation axe can see in jsdom (colours are for the browser tests).
    const found = await axe.run(screen.getByTestId('iso-copy'), { rules: { 'color-contrast': { enabled: false } } });
    expect(found.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(found.passes.map((p) => p.id)).toContain('button-name');
    const bar = screen.getByRole('progressbar', { name: 'Copying Win11.iso to box' });
    expect(bar.getAttribute('value')).toBe(String(2.5 * GiB));
    expect(live().textContent).toBe('Copying Win11.iso to box: 40% of 6 GB');
    // Another copy's progress is not this one's.
    progress(fake, 'someone-elses-copy', 6 * GiB);
    expect(live().textContent).toBe('Copying Win11.iso to box: 40% of 6 GB');

    finish();
    expect(await screen.findByText(`Copied to box: ${THERE}`)).toBeTruthy();
    const field = screen.getByLabelText('ISO file on box', { selector: 'input' });
    expect((field as HTMLInputElement).value).toBe(THERE);
    // The field checks it there, as a typed path.
    expect((await screen.findByTestId('iso-ok')).textContent).toContain('CCCOMA_X64FRE_EN-US_DV9');
    expect(fake.callsOf('inspectIso')).toEqual([{ path: THERE }]);
    expect(screen.queryByRole('button', { name: 'Cancel copy' })).toBeNull();
  });

  it('Cancel stops the copy by its id and says nothing was left there; the field is unchanged', async () => {
    (window as unknown as { porthole?: unknown }).porthole = {
      desktop: { pickIso: async () => '/home/me/Win11.iso' },
    };
    const { fake } = setup();
    render(<Wizard machines={[]} />);
    await openIsoChoice();
    await user().click(copyButton());
    await waitFor(() => expect(fake.callsOf('copyIsoToEngine')).toHaveLength(1));
    const { copyId } = fake.callsOf('copyIsoToEngine')[0]!;
    progress(fake, copyId, GiB);
    await user().keyboard('{Enter}'); // the focused Cancel copy
    expect(fake.callsOf('cancelIsoCopy')).toEqual([{ copyId }]);
    expect(await screen.findByText('Cancelled: nothing was left on box.')).toBeTruthy();
    expect((screen.getByLabelText('ISO file on box', { selector: 'input' }) as HTMLInputElement).value).toBe('');
    expect(copyButton()).toBeTruthy();
  });

  it('in a browser (no chooser) asks for the path here; a failure is said with its remedy', async () => {
    const fake = fakeApi({
      creationDefaults: async () => hostDefaults({ storageHost: 'box' }),
      copyIsoToEngine: async () => {
        throw new PortholeError('ISO_INVALID', '/tmp/x.iso is not an ISO image.', 'Choose a real .iso file.');
      },
    });
    state.fake = fake;
    render(<Wizard machines={[]} />);
    await openIsoChoice();
    await user().click(copyButton());
    const local = screen.getByLabelText(/Path of the ISO on this computer/);
    const found = await axe.run(screen.getByTestId('iso-copy'), { rules: { 'color-contrast': { enabled: false } } });
    expect(found.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    expect(screen.getByRole('button', { name: 'Copy to box' })).toHaveProperty('disabled', true);
    await user().type(local, '/tmp/x.iso{Enter}');
    expect(fake.callsOf('copyIsoToEngine')[0]).toMatchObject({ path: '/tmp/x.iso' });
    expect((await screen.findByRole('alert')).textContent).toBe(
      '/tmp/x.iso is not an ISO image. Choose a real .iso file.',
    );
  });

  it('a file dropped on the window is copied (not checked there, where it is not), then fills the field', async () => {
    (window as unknown as { porthole?: unknown }).porthole = { pathForFile: () => '/home/me/Win11.iso' };
    const { fake, finish } = setup();
    render(
      <DropZone>
        <Wizard machines={[]} />
      </DropZone>,
    );
    await openIsoChoice();
    const zone = screen.getByTestId('drop-zone');
    const data = { types: ['Files'], files: [new File(['x'], 'Win11.iso')], getData: () => '' };
    fireEvent.dragEnter(zone, { dataTransfer: data });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop the ISO to copy it to box');
    fireEvent.drop(zone, { dataTransfer: data });
    await waitFor(() => expect(fake.callsOf('copyIsoToEngine')).toHaveLength(1));
    expect(fake.callsOf('copyIsoToEngine')[0]).toMatchObject({ path: '/home/me/Win11.iso' });
    expect(fake.callsOf('inspectIso')).toEqual([]);
    finish({ reused: true });
    expect(await screen.findByText(`box already had this ISO: ${THERE}`)).toBeTruthy();
    expect((screen.getByLabelText('ISO file on box', { selector: 'input' }) as HTMLInputElement).value).toBe(THERE);
  });
});
