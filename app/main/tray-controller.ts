import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItem, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import type { MachineView } from '../api';
import { buildTrayTemplate, trayIconFor, trayTooltip, type TrayActions, type TrayState } from './tray';

/** Owns the Tray: rebuilds its whole menu and icon from the machines on every change. */
export class TrayController {
  private readonly tray: Tray;
  private menu: Menu;
  private template: MenuItemConstructorOptions[] = [];
  private state: TrayState | undefined;

  constructor(
    private readonly iconsDir: string,
    private readonly actions: TrayActions,
  ) {
    this.tray = new Tray(this.icon('stopped'));
    this.state = 'stopped';
    this.menu = this.build([]);
    this.tray.setToolTip('Porthole');
  }

  update(machines: MachineView[]): void {
    this.menu = this.build(machines);
    this.tray.setToolTip(trayTooltip(machines));
    const state = trayIconFor(machines);
    if (state !== this.state) {
      this.state = state;
      this.tray.setImage(this.icon(state));
    }
  }

  private build(machines: MachineView[]): Menu {
    this.template = buildTrayTemplate(machines, { actions: this.actions });
    const menu = Menu.buildFromTemplate(this.template);
    this.tray.setContextMenu(menu);
    return menu;
  }

  /** The ids in the current menu, submenus included (test hook). */
  itemIds(): string[] {
    const ids: string[] = [];
    const walk = (items: MenuItemConstructorOptions[]): void => {
      for (const item of items) {
        if (item.id) ids.push(item.id);
        if (Array.isArray(item.submenu)) walk(item.submenu);
      }
    };
    walk(this.template);
    return ids;
  }

  /** The item with this id in the current menu (test hook). */
  item(id: string): MenuItem | null {
    return this.menu.getMenuItemById(id);
  }

  destroy(): void {
    this.tray.destroy();
  }

  private icon(state: TrayState): NativeImage {
    // tray-<state>.png with a tray-<state>@2x.png beside it for HiDPI panels.
    return nativeImage.createFromPath(join(this.iconsDir, 'tray', `tray-${state}.png`));
  }
}
