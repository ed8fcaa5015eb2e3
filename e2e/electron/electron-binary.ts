import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

export const projectRoot = resolve(import.meta.dirname, '..', '..');

/**
 * The Electron executable if it is on this machine, else null. Never downloads: the electron
 * package fetches its binary from GitHub on first use, which fails (slowly or noisily) offline.
 */
export function electronBinaryPath(env: NodeJS.ProcessEnv = process.env): string | null {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(join(projectRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative ?? 'electron') : relative ? join(pkgDir, 'dist', relative) : null;
  return binary && existsSync(binary) ? binary : null;
}

export function electronBinaryAvailable(): boolean {
  return electronBinaryPath() !== null;
}

/** Linux needs a display server for Electron windows (CI runs these under xvfb-run). */
export function displayAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
