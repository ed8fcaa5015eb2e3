import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { machinePhases, type MachinePhase } from '../api';
import { machine } from './testing/machines';
import { phaseSummary } from '../api';
import { buildTrayTemplate, trayIconFor, trayTooltip, type TrayActions } from './tray';

function actions() {
  return {
    start: vi.fn<(id: string) => void>(),
    stop: vi.fn<(id: string) => void>(),
    restart: vi.fn<(id: string) => void>(),
    showScreen: vi.fn<(id: string) => void>(),
    openApp: vi.fn<() => void>(),
    quit: vi.fn<() => void>(),
  } satisfies TrayActions;
}

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | null {
  for (const item of items) {
    if (item.id === id) return item;
    const inner = Array.isArray(item.submenu) ? find(item.submenu, id) : null;
    if (inner) return inner;
  }
  return null;
}
function byId(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const item = find(items, id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

/** Which of Start / Stop / Restart / Show Screen are enabled, in that order. */
function enabledFor(phase: MachinePhase): string {
  const t = buildTrayTemplate([machine('win', phase)], { actions: actions() });
  return (['start', 'stop', 'restart', 'screen'] as const).filter((a) => byId(t, `machine:win:${a}`).enabled).join(',');
}

describe('buildTrayTemplate', () => {
  it('with no machines says so, and offers Open and Quit', () => {
    const t = buildTrayTemplate([], { actions: actions() });
    expect(t.map((i) => i.id ?? i.type)).toEqual(['no-machines', 'separator', 'open', 'quit']);
    expect(byId(t, 'no-machines').enabled).toBe(false);
    expect(byId(t, 'open').label).toBe('Open Porthole');
    expect(byId(t, 'quit').label).toBe('Quit Porthole');
  });

  it('lists one machine inline: a disabled state line, then its actions', () => {
    const t = buildTrayTemplate([machine('win11', 'ready', {}, 'Windows 11')], { actions: actions() });
    expect(t.map((i) => i.id ?? i.type)).toEqual([
      'machine:win11:state',
      'machine:win11:start',
      'machine:win11:stop',
      'machine:win11:restart',
      'machine:win11:screen',
      'separator',
      'open',
      'quit',
    ]);
    const state = byId(t, 'machine:win11:state');
    expect(state.label).toBe('Windows 11: Running');
    expect(state.enabled).toBe(false);
    expect(t.slice(1, 5).map((i) => i.label)).toEqual(['Start', 'Stop', 'Restart', 'Show Screen']);
  });

  it('gives each of several machines a submenu under its name and state, sorted by name', () => {
    const t = buildTrayTemplate([machine('b', 'stopped', {}, 'Work'), machine('a', 'ready', {}, 'Games')], {
      actions: actions(),
    });
    expect(t.slice(0, 2).map((i) => [i.id, i.label])).toEqual([
      ['machine:a', 'Games: Running'],
      ['machine:b', 'Work: Stopped'],
    ]);
    const sub = t[1]!.submenu as MenuItemConstructorOptions[];
    expect(sub.map((i) => i.id)).toEqual([
      'machine:b:state',
      'machine:b:start',
      'machine:b:stop',
      'machine:b:restart',
      'machine:b:screen',
    ]);
  });

  it.each<[MachinePhase, string]>([
    ['absent', 'start'],
    ['pulling', 'stop'], // the card can cancel a download, and so can the tray (one rule: app/api/phase.ts)
    ['created', 'start'],
    ['preparing', 'stop'],
    ['booting', 'stop,restart,screen'],
    ['installing', 'stop,restart,screen'],
    ['ready', 'stop,restart,screen'],
    ['stopping', ''],
    ['stopped', 'start'],
    ['failed', 'start'],
  ])('in phase %s enables [%s]', (phase, enabled) => {
    expect(enabledFor(phase)).toBe(enabled);
  });

  it('covers every phase of the contract', () => {
    for (const phase of machinePhases) expect(() => enabledFor(phase)).not.toThrow();
  });

  it('keeps Show Screen off until the screen is ready', () => {
    const t = buildTrayTemplate([machine('win', 'booting', { screenReady: false })], { actions: actions() });
    expect(byId(t, 'machine:win:screen').enabled).toBe(false);
  });

  it('wires each item to its action with the machine id', () => {
    const a = actions();
    const t = buildTrayTemplate([machine('win', 'ready')], { actions: a });
    click(byId(t, 'machine:win:stop'));
    click(byId(t, 'machine:win:restart'));
    click(byId(t, 'machine:win:screen'));
    click(byId(t, 'open'));
    click(byId(t, 'quit'));
    expect(a.stop).toHaveBeenCalledWith('win');
    expect(a.restart).toHaveBeenCalledWith('win');
    expect(a.showScreen).toHaveBeenCalledWith('win');
    expect(a.openApp).toHaveBeenCalledOnce();
    expect(a.quit).toHaveBeenCalledOnce();
    click(byId(buildTrayTemplate([machine('win', 'stopped')], { actions: a }), 'machine:win:start'));
    expect(a.start).toHaveBeenCalledWith('win');
  });

  it('offers a running machine’s USB devices to attach or detach now, and nothing for a stopped one or one without devices', () => {
    const usb = vi.fn<(id: string, device: { vendorId: string; productId: string }, attach: boolean) => void>();
    const receiver = { vendorId: '046d', productId: 'c52b', name: 'Logitech Unifying Receiver' };
    const running = { ...machine('win', 'ready'), usbDevices: [receiver] };
    const t = buildTrayTemplate([running], { actions: { ...actions(), usb } });
    expect(byId(t, 'machine:win:usb:046d:c52b').label).toBe('Logitech Unifying Receiver');
    click(byId(t, 'machine:win:usb:046d:c52b:attach'));
    click(byId(t, 'machine:win:usb:046d:c52b:detach'));
    expect(usb.mock.calls).toEqual([
      ['win', receiver, true],
      ['win', receiver, false],
    ]);
    expect(
      find(
        buildTrayTemplate([{ ...machine('win', 'stopped'), usbDevices: [receiver] }], {
          actions: { ...actions(), usb },
        }),
        'machine:win:usb',
      ),
    ).toBeNull();
    expect(
      find(buildTrayTemplate([machine('win', 'ready')], { actions: { ...actions(), usb } }), 'machine:win:usb'),
    ).toBeNull();
  });
});

describe('state lines', () => {
  it('say progress, shutdown steps and failure causes', () => {
    expect(phaseSummary(machine('w', 'pulling', { progress: { fraction: 0.423 } }).status)).toBe(
      'Downloading the image 42%',
    );
    expect(phaseSummary(machine('w', 'preparing', { message: 'Downloading Windows 11 (12.3%)...' }).status)).toBe(
      'Downloading Windows 11 (12.3%)...',
    );
    expect(phaseSummary(machine('w', 'stopping', { shutdown: { step: 3, of: 100 } }).status)).toBe(
      'Shutting down (3/100)',
    );
    const failed = machine('w', 'failed', {
      failure: { exitCode: 88, cause: 'KVM is not available', remedy: 'Enable virtualization in the BIOS.' },
    });
    expect(phaseSummary(failed.status)).toBe('Failed: KVM is not available');
  });

  it('say "Running from ISO" for a machine booting an ISO that is not Windows setup, which can be stopped and restarted', () => {
    const live = machine('w', 'running-iso');
    expect(phaseSummary(live.status)).toBe('Running from ISO');
    expect(trayIconFor([live])).toBe('running');
  });

  it('stay short in a menu', () => {
    const long = machine('w', 'failed', { failure: { exitCode: 1, cause: 'x'.repeat(300), remedy: '' } });
    expect(phaseSummary(long.status).length).toBeLessThanOrEqual(60);
  });
});

describe('trayIconFor', () => {
  it('is stopped with no machines or none running', () => {
    expect(trayIconFor([])).toBe('stopped');
    expect(trayIconFor([machine('a', 'stopped'), machine('b', 'created')])).toBe('stopped');
  });
  it('is running when a machine is up', () => {
    expect(trayIconFor([machine('a', 'ready'), machine('b', 'stopped')])).toBe('running');
    expect(trayIconFor([machine('a', 'installing')])).toBe('running');
  });
  it('is starting while anything is on the move', () => {
    for (const phase of ['pulling', 'preparing', 'booting', 'stopping'] as const) {
      expect(trayIconFor([machine('a', 'ready'), machine('b', phase)])).toBe('starting');
    }
  });
  it('is failed when any machine failed, whatever the others do', () => {
    expect(trayIconFor([machine('a', 'ready'), machine('b', 'booting'), machine('c', 'failed')])).toBe('failed');
  });
  it('has a tooltip counting running machines', () => {
    expect(trayTooltip([])).toBe('Porthole');
    expect(trayTooltip([machine('a', 'ready'), machine('b', 'stopped')])).toBe('Porthole: 1 of 2 running');
    expect(trayTooltip([machine('b', 'stopped')])).toBe('Porthole: no machine running');
  });
});
