import type { BrowserWindow } from 'electron';
import type { PageLocation } from './page';
import { clampToDisplays, type Rect, type SavedBounds } from './window-state';
import { createAppWindow, reveal, trackBounds } from './window';

export interface ScreenWindowDeps {
  location: PageLocation;
  preload: string;
  icon?: string;
  workAreas(): Rect[];
  savedBounds(key: string): SavedBounds | undefined;
  saveBounds(key: string, bounds: SavedBounds): void;
}

/** The route the renderer shows a machine's screen at. */
export function screenRoute(machineId: string): string {
  return `/screen/${encodeURIComponent(machineId)}`;
}

/** Room for a 1280x800 Windows desktop plus the toolbar, before the person resizes it. */
const DEFAULT_SCREEN_BOUNDS: SavedBounds = { width: 1296, height: 860 };

/** One window per machine's screen: opening it again focuses the window it already has. */
export class ScreenWindows {
  private readonly windows = new Map<string, BrowserWindow>();

  constructor(private readonly deps: ScreenWindowDeps) {}

  open(machineId: string, machineName: string): BrowserWindow {
    const existing = this.windows.get(machineId);
    if (existing && !existing.isDestroyed()) {
      reveal(existing);
      return existing;
    }
    const key = `screen:${machineId}`;
    const win = createAppWindow({
      location: this.deps.location,
      preload: this.deps.preload,
      route: screenRoute(machineId),
      title: `${machineName}: Screen`,
      bounds: clampToDisplays(this.deps.savedBounds(key), this.deps.workAreas(), DEFAULT_SCREEN_BOUNDS),
      minWidth: 640,
      minHeight: 400,
      ...(this.deps.icon ? { icon: this.deps.icon } : {}),
    });
    trackBounds(win, (b) => this.deps.saveBounds(key, b));
    win.on('closed', () => {
      if (this.windows.get(machineId) === win) this.windows.delete(machineId);
    });
    this.windows.set(machineId, win);
    return win;
  }

  /** A deleted machine has no screen to show. */
  close(machineId: string): void {
    this.windows.get(machineId)?.close();
  }

  all(): BrowserWindow[] {
    return [...this.windows.values()].filter((w) => !w.isDestroyed());
  }
}
