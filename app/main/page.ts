import { isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where our own page lives: the built renderer on disk, or the dev server (never in a packaged app). */
export interface PageLocation {
  /** out/renderer/index.html */
  indexFile: string;
  /** ELECTRON_RENDERER_URL from `electron-vite dev`; null when loading from disk. */
  devServerUrl: string | null;
}

/** Only an unpackaged app may follow ELECTRON_RENDERER_URL: an env var must not pick the page of a released app. */
export function pageLocation(opts: { indexFile: string; isPackaged: boolean; env: NodeJS.ProcessEnv }): PageLocation {
  const dev = opts.env.ELECTRON_RENDERER_URL;
  const devServerUrl = !opts.isPackaged && dev && /^https?:\/\//.test(dev) ? dev : null;
  return { indexFile: resolve(opts.indexFile), devServerUrl };
}

/** The URL to load for a hash route (`/` or `/screen/<id>`). */
export function pageUrl(location: PageLocation, route = '/'): string {
  const base = location.devServerUrl ?? pathToFileURL(location.indexFile).href;
  return `${base.split('#')[0]}#${route}`;
}

/**
 * True for a URL of our own page: a file under the renderer's folder, or the dev server's origin.
 * Everything else (other files, other origins, data:, about:blank, devtools) is foreign.
 */
export function isOwnPageUrl(url: string, location: PageLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.devServerUrl !== null) {
    return parsed.origin === new URL(location.devServerUrl).origin;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  let file: string;
  try {
    file = fileURLToPath(`file://${parsed.pathname}`);
  } catch {
    return false;
  }
  const inside = relative(resolve(location.indexFile, '..'), resolve(file));
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside);
}

/** Same document: the same URL apart from the fragment (our router lives in the hash). */
export function isSameDocument(a: string, b: string): boolean {
  try {
    const ua = new URL(a);
    const ub = new URL(b);
    ua.hash = '';
    ub.hash = '';
    return ua.href === ub.href;
  } catch {
    return false;
  }
}
