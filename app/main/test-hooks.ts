import type { LaunchArgs } from './instance-routing';
import type { MainWindow } from './main-window';
import type { TrayController } from './tray-controller';

/**
 * What end-to-end tests may reach in the main process (through Playwright's `electronApp.evaluate`),
 * and only when PORTHOLE_TEST_HOOKS=1. Nothing here is visible to any page.
 */
export interface TestHooks {
  /** Clicks the tray menu item with this id as a person would; false when absent or disabled. */
  clickTrayItem(id: string): boolean;
  /** The ids of the items in the current tray menu, submenus included. */
  trayItemIds(): string[];
  /** Every contract call admitted over IPC, in order. */
  calls: { action: unknown; request: unknown }[];
  /** The parsed arguments of each second instance. */
  secondInstances: LaunchArgs[];
  mainWindowVisible(): boolean;
  hideMainWindow(): void;
}

export const TEST_HOOKS_GLOBAL = '__portholeTestHooks';

export function testHooksEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.PORTHOLE_TEST_HOOKS === '1';
}

export function installTestHooks(env: NodeJS.ProcessEnv, hooks: TestHooks): TestHooks | undefined {
  if (!testHooksEnabled(env)) return undefined;
  (globalThis as Record<string, unknown>)[TEST_HOOKS_GLOBAL] = hooks;
  return hooks;
}

/** The hooks over the shell's tray and main window; `calls` and `secondInstances` fill as they come. */
export function shellTestHooks(
  tray: Pick<TrayController, 'item' | 'itemIds'>,
  main: Pick<MainWindow, 'current'>,
): TestHooks {
  return {
    clickTrayItem: (id) => {
      const item = tray.item(id);
      if (!item || !item.enabled) return false;
      (item.click as () => void)();
      return true;
    },
    trayItemIds: () => tray.itemIds(),
    calls: [],
    secondInstances: [],
    mainWindowVisible: () => main.current()?.isVisible() ?? false,
    hideMainWindow: () => main.current()?.hide(),
  };
}
