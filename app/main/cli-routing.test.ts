// What one start of the executable does before anything else (cli-routing.ts routeStartup), with a fake
// Electron app. A CLI run itself is tested through index.ts (index.test.ts).
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeElectron, type FakeElectron } from './testing/fake-electron';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { ownCommand, routeStartup } = await import('./cli-routing');

beforeEach(() => {
  Object.assign(electron, fakeElectron());
});

describe('routing a start', () => {
  it('starts the GUI for no words or our flags, once it holds the lock', () => {
    const gui = vi.fn();
    const argv = ['/x/electron', '/work/main', '--screen', 'win11'];
    routeStartup(argv, gui);
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalledWith({ argv });
    expect(gui).toHaveBeenCalledOnce();
    expect(electron.app.quit).not.toHaveBeenCalled();
  });

  it('hands over to the running Porthole and quits when another holds the lock, for the GUI or a launcher', () => {
    electron.app.requestSingleInstanceLock.mockReturnValue(false);
    const gui = vi.fn();
    routeStartup(['/x/electron', '/work/main'], gui);
    routeStartup(['/x/electron', '/work/main', 'app', 'win11', 'Notepad'], gui);
    expect(electron.app.quit).toHaveBeenCalledTimes(2);
    expect(gui).not.toHaveBeenCalled();
    expect(electron.app.exit).not.toHaveBeenCalled();
  });
});

describe('the command that starts Porthole again', () => {
  it('is electron with the app folder when unpackaged', () => {
    expect(ownCommand()).toEqual([process.execPath, '/work/main']);
  });
});
