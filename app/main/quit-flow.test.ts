// The app's quit events (quit-flow.ts installQuitHandlers), with a fake Electron app.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeElectron, type FakeElectron } from './testing/fake-electron';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { installQuitHandlers, QuitFlow } = await import('./quit-flow');

const signals = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
afterEach(() => {
  vi.useRealTimers();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const l of process.listeners(signal)) if (!signals[signal].includes(l)) process.off(signal, l);
  }
});

function installed(cleanup: () => Promise<unknown> = async () => undefined) {
  const flow = new QuitFlow({
    machines: () => [],
    stopMachine: async () => undefined,
    dialogParent: () => null,
    windows: () => [],
  });
  const done = vi.fn();
  installQuitHandlers(flow, { cleanup, done });
  return { flow, done };
}

/** Emits an app event with a preventable event object; true when it was prevented. */
function emit(name: string): boolean {
  let prevented = false;
  electron.app.emit(name, { preventDefault: () => (prevented = true) });
  return prevented;
}

beforeEach(() => {
  Object.assign(electron, fakeElectron());
});

describe('the quit events', () => {
  it('an unasked quit (the menu’s role, the desktop) goes through the question first', async () => {
    const { flow } = installed();
    expect(emit('before-quit')).toBe(true);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalledOnce());
    expect(flow.quitting).toBe(true);
    expect(emit('before-quit')).toBe(false);
  });

  it('cleans up before the app goes, then lets it go', async () => {
    let finish: () => void = () => undefined;
    const { done } = installed(() => new Promise<void>((r) => (finish = r)));
    expect(emit('will-quit')).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(done).not.toHaveBeenCalled();
    finish();
    await vi.waitFor(() => expect(done).toHaveBeenCalledOnce());
    expect(electron.app.quit).toHaveBeenCalledOnce();
    expect(emit('will-quit')).toBe(false);
  });

  it('goes after five seconds even when the cleanup hangs', async () => {
    vi.useFakeTimers();
    const { done } = installed(() => new Promise(() => undefined));
    expect(emit('will-quit')).toBe(true);
    await vi.advanceTimersByTimeAsync(4999);
    expect(done).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toHaveBeenCalledOnce();
    expect(electron.app.quit).toHaveBeenCalledOnce();
  });

  it('keeps running when the last window closes, and quits without asking on SIGTERM', () => {
    const { flow } = installed();
    expect(electron.app.listeners('window-all-closed')).toHaveLength(1);
    const added = process.listeners('SIGTERM').filter((l) => !signals.SIGTERM.includes(l));
    expect(added).toHaveLength(1);
    added[0]!('SIGTERM');
    expect(flow.quitting).toBe(true);
    expect(electron.app.quit).toHaveBeenCalledOnce();
    expect(electron.dialog.showMessageBox).not.toHaveBeenCalled();
  });
});
