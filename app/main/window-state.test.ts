import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clampToDisplays, DesktopPrefs } from './window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1080 };
const monitor = { x: 1920, y: 0, width: 2560, height: 1440 };
const fallback = { width: 1120, height: 740 };

describe('clampToDisplays', () => {
  it('keeps a window where it was when that place is on a display', () => {
    expect(clampToDisplays({ x: 2000, y: 100, width: 1200, height: 800 }, [laptop, monitor], fallback)).toEqual({
      x: 2000,
      y: 100,
      width: 1200,
      height: 800,
    });
  });

  it('centres a window whose display is gone (no x/y: the window manager places it)', () => {
    expect(clampToDisplays({ x: 2000, y: 100, width: 1200, height: 800 }, [laptop], fallback)).toEqual({
      width: 1200,
      height: 800,
    });
  });

  it('shrinks a window larger than its display, and pulls it fully onto it', () => {
    expect(clampToDisplays({ x: 1800, y: -50, width: 2400, height: 1600 }, [laptop], fallback)).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1080,
    });
  });

  it('uses the default size the first time, fitted to the primary display', () => {
    expect(clampToDisplays(undefined, [laptop], fallback)).toEqual(fallback);
    expect(clampToDisplays(undefined, [{ x: 0, y: 0, width: 1024, height: 600 }], fallback)).toEqual({
      width: 1024,
      height: 600,
    });
  });

  it('remembers maximized', () => {
    expect(
      clampToDisplays({ x: 10, y: 10, width: 800, height: 600, maximized: true }, [laptop], fallback),
    ).toMatchObject({
      maximized: true,
    });
  });
});

describe('DesktopPrefs', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('saves window places atomically and reads them back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-prefs-'));
    const prefs = new DesktopPrefs(dir);
    await prefs.load();
    expect(prefs.windowBounds('main')).toBeUndefined();
    expect(prefs.closeToTray).toBeNull();
    prefs.setWindowBounds('main', { x: 1, y: 2, width: 900, height: 700 });
    await prefs.flush();
    const again = new DesktopPrefs(dir);
    await again.load();
    expect(again.windowBounds('main')).toEqual({ x: 1, y: 2, width: 900, height: 700 });
    expect(JSON.parse(await readFile(join(dir, 'desktop.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('starts from defaults when the file is damaged', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-prefs-'));
    await writeFile(join(dir, 'desktop.json'), '{"version": 1, "windows": {"main": {"width": -5}}');
    const prefs = new DesktopPrefs(dir);
    await prefs.load();
    expect(prefs.windowBounds('main')).toBeUndefined();
  });

  it('reads the close-to-tray setting', async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-prefs-'));
    await writeFile(join(dir, 'desktop.json'), JSON.stringify({ version: 1, closeToTray: true }));
    const prefs = new DesktopPrefs(dir);
    await prefs.load();
    expect(prefs.closeToTray).toBe(true);
  });
});
