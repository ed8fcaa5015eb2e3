import { describe, expect, it, vi } from 'vitest';
import type { MenuItem, MenuItemConstructorOptions } from 'electron';
import { buildAppMenuTemplate, DOCKUR_DOCS_URL } from './menu';

function actions() {
  return {
    quit: vi.fn(),
    toggleAutostart: vi.fn(),
    openExternal: vi.fn(),
    openAppLog: vi.fn(),
    showAppLogFile: vi.fn(),
  };
}
function sub(t: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions[] {
  return (t.find((i) => i.id === id)?.submenu ?? []) as MenuItemConstructorOptions[];
}

describe('the app menu', () => {
  it('has File, Edit, View, Window and Help', () => {
    const t = buildAppMenuTemplate({ dev: false, autostartEnabled: false, actions: actions() });
    expect(t.map((i) => i.id)).toEqual(['file', 'edit', 'view', 'window', 'help']);
    expect(t.find((i) => i.id === 'edit')!.role).toBe('editMenu');
  });

  it('offers reload and DevTools only in development', () => {
    const roles = (dev: boolean) =>
      sub(buildAppMenuTemplate({ dev, autostartEnabled: false, actions: actions() }), 'view').map((i) => i.role);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(false)).not.toContain('reload');
    expect(roles(true)).toContain('toggleDevTools');
  });

  it('quits through Porthole’s own quit (which asks about running machines)', () => {
    const a = actions();
    const quit = sub(buildAppMenuTemplate({ dev: false, autostartEnabled: false, actions: a }), 'file').find(
      (i) => i.id === 'quit',
    )!;
    expect(quit.role).toBeUndefined();
    (quit.click as () => void)();
    expect(a.quit).toHaveBeenCalledOnce();
  });

  it('has a login-start checkbox that reflects and toggles the autostart entry', () => {
    const a = actions();
    const item = sub(buildAppMenuTemplate({ dev: false, autostartEnabled: true, actions: a }), 'file').find(
      (i) => i.id === 'autostart',
    )!;
    expect(item).toMatchObject({ type: 'checkbox', checked: true });
    (item.click as (m: Pick<MenuItem, 'checked'>) => void)({ checked: false });
    expect(a.toggleAutostart).toHaveBeenCalledWith(false);
  });

  it('links to the container’s documentation', () => {
    const a = actions();
    const docs = sub(buildAppMenuTemplate({ dev: false, autostartEnabled: false, actions: a }), 'help').find(
      (i) => i.id === 'dockur-docs',
    )!;
    (docs.click as () => void)();
    expect(a.openExternal).toHaveBeenCalledWith(DOCKUR_DOCS_URL);
  });

  it('shows Porthole’s own log from Help: in the app, and its file in the file manager', () => {
    const a = actions();
    const help = sub(buildAppMenuTemplate({ dev: false, autostartEnabled: false, actions: a }), 'help');
    const inApp = help.find((i) => i.id === 'app-log')!;
    const file = help.find((i) => i.id === 'app-log-file')!;
    expect(inApp.label).toBe('Porthole’s Log');
    (inApp.click as () => void)();
    expect(a.openAppLog).toHaveBeenCalledOnce();
    expect(a.showAppLogFile).not.toHaveBeenCalled();
    (file.click as () => void)();
    expect(a.showAppLogFile).toHaveBeenCalledOnce();
  });
});
