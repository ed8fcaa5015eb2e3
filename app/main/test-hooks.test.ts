// The end-to-end hooks over the tray and the main window (test-hooks.ts), on small stand-ins.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindow, MenuItem } from 'electron';
import { installTestHooks, shellTestHooks, TEST_HOOKS_GLOBAL } from './test-hooks';

afterEach(() => {
  Reflect.deleteProperty(globalThis, TEST_HOOKS_GLOBAL);
});

function standIns() {
  const click = vi.fn();
  const items: Record<string, { enabled: boolean; click: () => void }> = {
    open: { enabled: true, click },
    'machine:win11:stop': { enabled: false, click },
  };
  const tray = {
    item: (id: string) => (items[id] ?? null) as unknown as MenuItem | null,
    itemIds: () => Object.keys(items),
  };
  let visible = true;
  const win = { isVisible: () => visible, hide: () => void (visible = false) } as unknown as BrowserWindow;
  let current: BrowserWindow | null = null;
  return { click, tray, open: () => (current = win), main: { current: () => current } };
}

describe('the test hooks', () => {
  it('click enabled tray items only, list them, and see and hide the main window once there is one', () => {
    const s = standIns();
    const hooks = shellTestHooks(s.tray, s.main);
    expect(hooks.trayItemIds()).toEqual(['open', 'machine:win11:stop']);
    expect(hooks.clickTrayItem('machine:win11:stop')).toBe(false);
    expect(hooks.clickTrayItem('missing')).toBe(false);
    expect(hooks.clickTrayItem('open')).toBe(true);
    expect(s.click).toHaveBeenCalledOnce();
    expect(hooks.mainWindowVisible()).toBe(false);
    hooks.hideMainWindow();
    s.open();
    expect(hooks.mainWindowVisible()).toBe(true);
    hooks.hideMainWindow();
    expect(hooks.mainWindowVisible()).toBe(false);
    expect(hooks).toMatchObject({ calls: [], secondInstances: [] });
  });

  it('are reachable only with PORTHOLE_TEST_HOOKS=1', () => {
    const s = standIns();
    expect(installTestHooks({}, shellTestHooks(s.tray, s.main))).toBeUndefined();
    expect(TEST_HOOKS_GLOBAL in globalThis).toBe(false);
    const hooks = installTestHooks({ PORTHOLE_TEST_HOOKS: '1' }, shellTestHooks(s.tray, s.main));
    expect((globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL]).toBe(hooks);
  });
});
