import { describe, expect, it } from 'vitest';
import { machine } from './testing/machines';
import { decideClose, quitChoice, quitDialogOptions, runningMachines } from './quit';

describe('closing the main window', () => {
  it('hides to the tray where a StatusNotifier host shows the tray icon', () => {
    expect(decideClose({ quitting: false, trayHostPresent: true, closeToTray: null })).toBe('hide');
  });
  it('quits where no tray icon can be seen (GNOME without an extension)', () => {
    expect(decideClose({ quitting: false, trayHostPresent: false, closeToTray: null })).toBe('quit');
  });
  it('follows the setting over the desktop, both ways', () => {
    expect(decideClose({ quitting: false, trayHostPresent: false, closeToTray: true })).toBe('hide');
    expect(decideClose({ quitting: false, trayHostPresent: true, closeToTray: false })).toBe('quit');
  });
  it('closes for real once Porthole is quitting', () => {
    expect(decideClose({ quitting: true, trayHostPresent: true, closeToTray: true })).toBe('quit');
  });
});

// hasStatusNotifierHost is tested against a real session bus: tray-host.integration.test.ts.

describe('quitting with machines running', () => {
  const running = runningMachines([
    machine('a', 'ready', {}, 'Games'),
    machine('b', 'stopped'),
    machine('c', 'booting', {}, 'Work'),
  ]);

  it('knows which machines would keep running', () => {
    expect(running.map((m) => m.id)).toEqual(['a', 'c']);
  });

  it('asks nothing when no machine runs', () => {
    expect(quitDialogOptions([])).toBeNull();
  });

  it('asks to stop them gracefully, leave them running, or cancel', () => {
    const options = quitDialogOptions(running)!;
    expect(options.message).toBe('2 machines are still running.');
    expect(options.detail).toContain('Running: Games, Work');
    expect(options.buttons).toEqual(['Stop and Quit', 'Leave Running', 'Cancel']);
    expect(options.cancelId).toBe(2);
    expect([0, 1, 2, 99].map(quitChoice)).toEqual(['stop', 'leave', 'cancel', 'cancel']);
  });

  it('names a single machine', () => {
    expect(quitDialogOptions([machine('a', 'ready', {}, 'Games')])!.message).toBe('"Games" is still running.');
  });
});
