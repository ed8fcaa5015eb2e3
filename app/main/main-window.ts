import { screen, type BrowserWindow } from 'electron';
import { decideClose } from './quit';
import type { PageLocation } from './page';
import { createAppWindow, reveal, trackBounds } from './window';
import { clampToDisplays, type DesktopPrefs, type Rect } from './window-state';

const MAIN_BOUNDS = { width: 1120, height: 740 };

/** The displays' work areas, the primary first. */
export function workAreas(): Rect[] {
  const primary = screen.getPrimaryDisplay();
  return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
}

export interface MainWindowDeps {
  location: PageLocation;
  preload: string;
  icon: string;
  prefs: DesktopPrefs;
  trayHostPresent: boolean;
  quit: { readonly quitting: boolean; request(): Promise<void> };
}

/** The one main window: made when first shown, hidden to the tray or quitting when closed. */
export class MainWindow {
  private win: BrowserWindow | null = null;

  constructor(private readonly deps: MainWindowDeps) {}

  current(): BrowserWindow | null {
    return this.win;
  }

  /** The window a dialog sits on: this one while it can be seen. */
  dialogParent(): BrowserWindow | null {
    return this.win?.isVisible() ? this.win : null;
  }

  show(): BrowserWindow {
    if (this.win && !this.win.isDestroyed()) {
      reveal(this.win);
      return this.win;
    }
    const { prefs } = this.deps;
    const win = createAppWindow({
      location: this.deps.location,
      preload: this.deps.preload,
      route: '/',
      title: 'Porthole',
      bounds: clampToDisplays(prefs.windowBounds('main'), workAreas(), MAIN_BOUNDS),
      icon: this.deps.icon,
      minWidth: 800,
      minHeight: 560,
    });
    trackBounds(win, (b) => prefs.setWindowBounds('main', b));
    win.on('close', (event) => this.closing(win, event));
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    this.win = win;
    return win;
  }

  private closing(win: BrowserWindow, event: { preventDefault(): void }): void {
    const { quit, trayHostPresent, prefs } = this.deps;
    const action = decideClose({ quitting: quit.quitting, trayHostPresent, closeToTray: prefs.closeToTray });
    if (action === 'hide') {
      event.preventDefault();
      win.hide();
    } else if (!quit.quitting) {
      event.preventDefault();
      void quit.request();
    }
  }
}
