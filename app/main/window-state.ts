import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** A window's last size and place; x/y absent means "let the window manager centre it". */
export interface SavedBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().optional(),
});

const prefsSchema = z.object({
  version: z.literal(1),
  windows: z.record(z.string(), boundsSchema).default({}),
  /** null: decide from the desktop (hide to tray only where a tray shows). */
  closeToTray: z.boolean().nullable().default(null),
});
export type DesktopPrefsData = z.infer<typeof prefsSchema>;

const EMPTY: DesktopPrefsData = { version: 1, windows: {}, closeToTray: null };

/** How much of a window must lie on some display to keep its position. */
const MIN_VISIBLE = 64;

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Fits saved bounds to today's displays: a window that would sit (mostly) off every display,
 * after a monitor was unplugged, is centred instead; one larger than its display shrinks to fit.
 */
export function clampToDisplays(saved: SavedBounds | undefined, workAreas: Rect[], fallback: SavedBounds): SavedBounds {
  const wanted = saved ?? fallback;
  const base: SavedBounds = {
    width: wanted.width,
    height: wanted.height,
    ...(wanted.maximized ? { maximized: true } : {}),
  };
  const primary = workAreas[0];
  const fit = (area: Rect | undefined): SavedBounds =>
    area ? { ...base, width: Math.min(base.width, area.width), height: Math.min(base.height, area.height) } : base;
  if (wanted.x === undefined || wanted.y === undefined) return fit(primary);
  const rect: Rect = { x: wanted.x, y: wanted.y, width: wanted.width, height: wanted.height };
  const home = workAreas.find((area) => {
    const o = overlap(rect, area);
    return o.width >= MIN_VISIBLE && o.height >= MIN_VISIBLE;
  });
  if (!home) return fit(primary);
  const sized = fit(home);
  // Keep it inside the display it is on.
  const x = Math.max(home.x, Math.min(rect.x, home.x + home.width - sized.width));
  const y = Math.max(home.y, Math.min(rect.y, home.y + home.height - sized.height));
  return { ...sized, x, y };
}

/** Shell-only preferences in `<configDir>/desktop.json`: window places, close-to-tray. */
export class DesktopPrefs {
  private data: DesktopPrefsData = structuredClone(EMPTY);
  private timer: NodeJS.Timeout | undefined;
  readonly file: string;

  constructor(configDir: string) {
    this.file = join(configDir, 'desktop.json');
  }

  /** A missing or damaged file gives defaults: window places are not worth refusing to start over. */
  async load(): Promise<void> {
    try {
      const parsed = prefsSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      this.data = parsed.success ? parsed.data : structuredClone(EMPTY);
    } catch {
      this.data = structuredClone(EMPTY);
    }
  }

  windowBounds(key: string): SavedBounds | undefined {
    return this.data.windows[key];
  }

  setWindowBounds(key: string, bounds: SavedBounds): void {
    this.data.windows[key] = bounds;
    this.scheduleSave();
  }

  get closeToTray(): boolean | null {
    return this.data.closeToTray;
  }

  private scheduleSave(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), 500);
  }

  /** Atomic: a crash mid-write leaves the old file. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, this.file);
    } catch (err) {
      console.error(`Porthole could not save ${this.file}:`, err);
    }
  }
}
