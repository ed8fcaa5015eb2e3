import {
  BrowserWindow,
  shell,
  type BrowserWindowConstructorOptions,
  type Session,
  type WebContents,
  type WebPreferences,
} from 'electron';
import { isOwnPageUrl, isSameDocument, PAGE_SCHEME, pageUrl, servePage, type PageLocation } from './page';
import type { SavedBounds } from './window-state';
import { CONTENT_SECURITY_POLICY } from '../api/csp';

/** The page's Content-Security-Policy (app/api/csp.ts, the same as the web host's and the page's meta tag). */
export { CONTENT_SECURITY_POLICY };

/** The dev server's React refresh preamble is an inline script, and HMR uses a websocket to the dev server. */
export function contentSecurityPolicy(dev: boolean): string {
  if (!dev) return CONTENT_SECURITY_POLICY;
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self' ws://127.0.0.1:*",
    "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  );
}

/** Permissions the screen needs: copying to the clipboard and going full screen. Nothing else, ever. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write', 'fullscreen']);

export function permissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  location: PageLocation,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && requestingUrl !== undefined && isOwnPageUrl(requestingUrl, location);
}

/** Links the UI may open in the person's browser (remedies point at documentation). */
const EXTERNAL_HOSTS: ReadonlySet<string> = new Set(['github.com', 'docs.docker.com', 'podman.io', 'docs.podman.io']);

export function isAllowedExternalUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && EXTERNAL_HOSTS.has(u.hostname);
  } catch {
    return false;
  }
}

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** Our page's scheme, permissions and CSP for the session our windows share. */
export function hardenSession(ses: Session, location: PageLocation): void {
  // The built renderer is served from porthole://app (registered as privileged before ready), never file://.
  ses.protocol.handle(PAGE_SCHEME, (request) => servePage(request.url, location, CONTENT_SECURITY_POLICY));
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, location));
  });
  ses.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    permissionAllowed(permission, details.requestingUrl, location),
  );
  ses.setDevicePermissionHandler(() => false);
  const csp = contentSecurityPolicy(location.devServerUrl !== null);
  // Covers the dev server; our scheme's answers carry the policy themselves (servePage), and the page its meta tag.
  ses.webRequest.onHeadersReceived((details, callback) => {
    if (details.resourceType !== 'mainFrame' && details.resourceType !== 'subFrame') {
      callback({});
      return;
    }
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

/** No new windows, no navigation away from our page, no webviews. */
export function hardenWebContents(
  wc: WebContents,
  location: PageLocation,
  openExternal: (url: string) => void = (url) => void shell.openExternal(url),
): void {
  wc.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) openExternal(url);
    return { action: 'deny' };
  });
  const refuseForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!(isOwnPageUrl(url, location) && isSameDocument(url, wc.getURL()))) event.preventDefault();
  };
  wc.on('will-navigate', (event) => refuseForeign(event, event.url));
  wc.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  wc.on('will-redirect', (event) => refuseForeign(event, event.url));
  wc.on('will-attach-webview', (event) => event.preventDefault());
}

export interface AppWindowOptions {
  location: PageLocation;
  preload: string;
  route: string;
  title: string;
  bounds: SavedBounds;
  icon?: string;
  minWidth?: number;
  minHeight?: number;
  /** Keep hidden after loading (`--hidden`, autostart). */
  startHidden?: boolean;
}

export function appWindowOptions(opts: AppWindowOptions): BrowserWindowConstructorOptions {
  const { x, y, width, height } = opts.bounds;
  return {
    ...(x !== undefined && y !== undefined ? { x, y } : {}),
    width,
    height,
    minWidth: opts.minWidth ?? 640,
    minHeight: opts.minHeight ?? 480,
    title: opts.title,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#1b1f24',
    ...(opts.icon ? { icon: opts.icon } : {}),
    webPreferences: secureWebPreferences(opts.preload),
  };
}

/** A window showing our page at a hash route, with every guard in place before anything loads. */
export function createAppWindow(opts: AppWindowOptions): BrowserWindow {
  const win = new BrowserWindow(appWindowOptions(opts));
  hardenWebContents(win.webContents, opts.location);
  // Maximizing shows the window (on Linux), so it waits for the page's first paint like show() does;
  // a window starting hidden is maximized when it is first shown.
  win.once('ready-to-show', () => {
    if (opts.startHidden) {
      if (opts.bounds.maximized) win.once('show', () => win.maximize());
      return;
    }
    if (opts.bounds.maximized) win.maximize();
    win.show();
  });
  void win.loadURL(pageUrl(opts.location, opts.route)).catch((err: unknown) => {
    console.error(`Porthole could not load its page (${pageUrl(opts.location, opts.route)}):`, err);
  });
  return win;
}

/** Brings a window to the front, even from the tray or a second instance. */
export function reveal(win: BrowserWindow): void {
  if (win.isMinimized()) win.restore();
  if (!win.isVisible()) win.show();
  win.focus();
}

/** Reports the window's normal bounds whenever it is moved, resized, maximized or closed. */
export function trackBounds(win: BrowserWindow, save: (bounds: SavedBounds) => void): void {
  const report = (): void => {
    if (win.isDestroyed() || win.isMinimized() || win.isFullScreen()) return;
    const { x, y, width, height } = win.getNormalBounds();
    save({ x, y, width, height, ...(win.isMaximized() ? { maximized: true } : {}) });
  };
  win.on('resized', report);
  win.on('moved', report);
  win.on('maximize', report);
  win.on('unmaximize', report);
  win.on('close', report);
}
