import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Our page is served from this privileged scheme (`porthole://app/index.html`), not from file://: a
 * file:// page may read other local files with the GrantFileProtocolExtraPrivileges fuse on (the
 * released app turns it off, build/after-pack.mjs), and every file:// URL shares one opaque origin.
 * Registered before app ready (page-scheme.ts registerPageScheme), handled by servePage.
 */
export const PAGE_SCHEME = 'porthole';
export const PAGE_HOST = 'app';
export const PAGE_ORIGIN = `${PAGE_SCHEME}://${PAGE_HOST}`;
/**
 * What protocol.registerSchemesAsPrivileged gets: a standard, secure origin for 'self', fetch and ES modules
 * (Vite's `<script type="module" crossorigin>` loads in CORS mode; our answers carry no Access-Control headers,
 * so no other origin can read them).
 */
export const PAGE_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
} as const;

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
  const base = location.devServerUrl ?? `${PAGE_ORIGIN}/index.html`;
  return `${base.split('#')[0]}#${route}`;
}

/**
 * True for a URL of our own page: our scheme's origin, or the dev server's origin. Everything else
 * (file:, other origins, data:, about:blank, devtools) is foreign.
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
  return (
    parsed.protocol === `${PAGE_SCHEME}:` &&
    parsed.host === PAGE_HOST &&
    parsed.username === '' &&
    parsed.password === '' &&
    parsed.port === ''
  );
}

/** The file under the renderer's folder a page URL names; null for anything else (another host, outside the folder). */
export function pageFile(url: string, location: PageLocation): string | null {
  if (!isOwnPageUrl(url, { ...location, devServerUrl: null })) return null;
  let path: string;
  try {
    // The URL parser has already resolved `..`; a percent-encoded one (%2e%2e, %2f) is decoded here and checked below.
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const dir = resolve(location.indexFile, '..');
  const file = resolve(dir, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(dir, file);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) && !inside.split(sep).includes('..')
    ? file
    : null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/** protocol.handle's answer for our scheme: the renderer's file with its type and the page's CSP, else 404. */
export async function servePage(url: string, location: PageLocation, csp: string): Promise<Response> {
  const file = pageFile(url, location);
  if (!file) return new Response('Not found', { status: 404 });
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return new Response('Not found', { status: 404 });
  }
  const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: { 'Content-Type': type, 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff' },
  });
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
