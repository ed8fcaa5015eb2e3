import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeWebContents, fakeElectron, type FakeElectron } from './testing/fake-electron';
import { withContentSecurityPolicy } from '../api/csp';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const {
  CONTENT_SECURITY_POLICY,
  contentSecurityPolicy,
  createAppWindow,
  hardenSession,
  hardenWebContents,
  isAllowedExternalUrl,
  secureWebPreferences,
} = await import('./window');
const { isOwnPageUrl, isSameDocument, pageFile, pageLocation, pageUrl, servePage } = await import('./page');

const location = pageLocation({ indexFile: '/opt/Porthole/out/renderer/index.html', isPackaged: true, env: {} });
const PAGE = 'porthole://app/index.html';

type Handler = (...args: unknown[]) => unknown;

function navEvent(url: string, extra: Record<string, unknown> = {}) {
  return { url, isMainFrame: true, preventDefault: vi.fn(), ...extra };
}

beforeEach(() => {
  Object.assign(electron, fakeElectron());
  FakeBrowserWindow.all = [];
});

describe('the window', () => {
  it('follows the Electron security checklist for the page, with only our preload', () => {
    const prefs = secureWebPreferences('/app/out/preload/index.cjs');
    // What a page must never get: Node, a shared context, an unsandboxed renderer, weaker web security.
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    for (const key of [
      'nodeIntegrationInWorker',
      'nodeIntegrationInSubFrames',
      'allowRunningInsecureContent',
      'experimentalFeatures',
      'webviewTag',
      'navigateOnDragDrop',
    ] as const) {
      expect(prefs[key], key).not.toBe(true);
    }
  });

  it('gives BrowserWindow those preferences, stays hidden until ready, and loads our page at its route', () => {
    const win = createAppWindow({
      location,
      preload: '/p.cjs',
      route: '/screen/win11',
      title: 'Win: Screen',
      bounds: { width: 900, height: 600 },
    }) as unknown as FakeBrowserWindow;
    const opts = win.options as { webPreferences: Record<string, unknown>; show: boolean };
    expect(opts.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    });
    expect(opts.webPreferences.preload).toBe('/p.cjs');
    expect(opts.show).toBe(false);
    expect(win.loaded).toBe(`${PAGE}#/screen/win11`);
    expect(win.isVisible()).toBe(true); // shown on ready-to-show
    expect(win.webContents.windowOpenHandler).toBeDefined();
  });

  it('can start hidden (autostart)', () => {
    const win = createAppWindow({
      location,
      preload: '/p.cjs',
      route: '/',
      title: 'Porthole',
      bounds: { width: 900, height: 600 },
      startHidden: true,
    });
    expect(win.isVisible()).toBe(false);
  });

  it('maximizes a window saved maximized only once its page is ready to show (maximizing shows it)', () => {
    FakeBrowserWindow.autoReady = false;
    try {
      const win = createAppWindow({
        location,
        preload: '/p.cjs',
        route: '/',
        title: 'Porthole',
        bounds: { width: 900, height: 600, maximized: true },
      }) as unknown as FakeBrowserWindow;
      expect(win.isMaximized()).toBe(false);
      expect(win.isVisible()).toBe(false);
      win.emit('ready-to-show');
      expect(win.isMaximized()).toBe(true);
      expect(win.isVisible()).toBe(true);

      const hidden = createAppWindow({
        location,
        preload: '/p.cjs',
        route: '/',
        title: 'Porthole',
        bounds: { width: 900, height: 600, maximized: true },
        startHidden: true,
      }) as unknown as FakeBrowserWindow;
      hidden.emit('ready-to-show');
      expect(hidden.isVisible()).toBe(false);
      expect(hidden.isMaximized()).toBe(false);
      hidden.show(); // from the tray
      expect(hidden.isMaximized()).toBe(true);
    } finally {
      FakeBrowserWindow.autoReady = true;
    }
  });
});

describe('guards on the page', () => {
  function guarded(openExternal = vi.fn()): FakeWebContents {
    const wc = new FakeWebContents();
    wc.mainFrame.url = `${PAGE}#/`;
    hardenWebContents(wc as unknown as Electron.WebContents, location, openExternal);
    return wc;
  }
  const fire = (wc: FakeWebContents, event: string, payload: unknown): void => {
    for (const l of wc.listeners(event) as Handler[]) l(payload);
  };

  it('refuses every new window; allow-listed https links open in the browser instead', () => {
    const openExternal = vi.fn();
    const wc = guarded(openExternal);
    expect(wc.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(wc.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(openExternal).not.toHaveBeenCalled();
    expect(wc.windowOpenHandler!({ url: 'https://github.com/dockur/windows' })).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('https://github.com/dockur/windows');
  });

  it('refuses navigation away from our page', () => {
    const wc = guarded();
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'file:///opt/Porthole/out/renderer/index.html',
      'porthole://app/other.html',
      'porthole://evil/index.html',
      'data:text/html,hi',
    ]) {
      const ev = navEvent(url);
      fire(wc, 'will-navigate', ev);
      expect(ev.preventDefault, url).toHaveBeenCalled();
    }
  });

  it('lets the same page reload', () => {
    const wc = guarded();
    const ev = navEvent(`${PAGE}#/screen/x`);
    fire(wc, 'will-navigate', ev);
    expect(ev.preventDefault).not.toHaveBeenCalled();
  });

  it('refuses redirects elsewhere, navigations in subframes, and webviews', () => {
    const wc = guarded();
    const redirect = navEvent('https://evil.example/');
    fire(wc, 'will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const sub = navEvent(`${PAGE}#/`, { isMainFrame: false });
    fire(wc, 'will-frame-navigate', sub);
    expect(sub.preventDefault).toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    fire(wc, 'will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('opens in the browser only https links to the allowed hosts', () => {
    expect(isAllowedExternalUrl('https://github.com/dockur/windows')).toBe(true);
    expect(isAllowedExternalUrl('http://github.com/')).toBe(false);
    expect(isAllowedExternalUrl('https://github.com.evil.example/')).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternalUrl('not a url')).toBe(false);
  });
});

describe('the session', () => {
  function hardened() {
    const ses = electron.session.defaultSession;
    hardenSession(ses as unknown as Electron.Session, location);
    const request = ses.setPermissionRequestHandler.mock.calls[0]![0] as Handler;
    const check = ses.setPermissionCheckHandler.mock.calls[0]![0] as Handler;
    const headers = ses.webRequest.onHeadersReceived.mock.calls[0]![0] as Handler;
    const device = ses.setDevicePermissionHandler.mock.calls[0]![0] as Handler;
    return { request, check, headers, device };
  }
  const ask = (request: Handler, permission: string, url: string): boolean => {
    let granted: boolean | undefined;
    request({}, permission, (g: boolean) => (granted = g), { requestingUrl: url, isMainFrame: true });
    return granted!;
  };

  it('grants our page clipboard writes and full screen, and nothing else', () => {
    const { request, check } = hardened();
    expect(ask(request, 'clipboard-sanitized-write', PAGE)).toBe(true);
    expect(ask(request, 'fullscreen', `${PAGE}#/screen/a`)).toBe(true);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
      'display-capture',
    ]) {
      expect(ask(request, p, PAGE), p).toBe(false);
    }
    expect(check({}, 'fullscreen', 'porthole://app', { requestingUrl: PAGE, isMainFrame: true })).toBe(true);
    expect(check({}, 'media', 'porthole://app', { requestingUrl: PAGE, isMainFrame: true })).toBe(false);
    expect(ask(request, 'fullscreen', 'file:///opt/Porthole/out/renderer/index.html')).toBe(false);
  });

  it('refuses even those permissions to a foreign page', () => {
    const { request, check } = hardened();
    expect(ask(request, 'fullscreen', 'https://evil.example/')).toBe(false);
    expect(
      check({}, 'clipboard-sanitized-write', 'https://evil.example', {
        requestingUrl: 'https://evil.example/',
        isMainFrame: true,
      }),
    ).toBe(false);
  });

  it('refuses device access', () => {
    expect(hardened().device()).toBe(false);
  });

  it('sends the CSP with our documents', () => {
    const { headers } = hardened();
    let response: { responseHeaders?: Record<string, string[]> } | undefined;
    headers(
      { resourceType: 'mainFrame', responseHeaders: { 'Content-Type': ['text/html'] } },
      (r: typeof response) => (response = r),
    );
    expect(response!.responseHeaders).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
    });
    headers({ resourceType: 'script', responseHeaders: {} }, (r: typeof response) => (response = r));
    expect(response).toEqual({});
  });

  it('has the agreed policy: loopback websockets only, no inline script, no plugins, no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; connect-src 'self' ws://127.0.0.1:*; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(contentSecurityPolicy(true)).toContain("script-src 'self' 'unsafe-inline'");
    expect(contentSecurityPolicy(false)).toBe(CONTENT_SECURITY_POLICY);
  });

  it('is the one the web host sends and the page’s meta tag carries (minus frame-ancestors, a header only)', async () => {
    const { CONTENT_SECURITY_POLICY: web } = await import('../web/static');
    const html = withContentSecurityPolicy(
      await readFile(resolve(import.meta.dirname, '../../renderer/index.html'), 'utf8'),
    );
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(web).toBe(CONTENT_SECURITY_POLICY);
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
    expect(() =>
      withContentSecurityPolicy('<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src *">'),
    ).toThrow();
  });
});

describe('our page', () => {
  it('is our scheme’s origin, porthole://app, never a file:// URL', () => {
    expect(isOwnPageUrl(`${PAGE}#/`, location)).toBe(true);
    expect(isOwnPageUrl('porthole://app/assets/index.js', location)).toBe(true);
    expect(isOwnPageUrl('porthole://other/index.html', location)).toBe(false);
    expect(isOwnPageUrl('porthole://user@app/index.html', location)).toBe(false);
    expect(isOwnPageUrl('file:///opt/Porthole/out/renderer/index.html', location)).toBe(false);
    expect(isOwnPageUrl('file:///etc/passwd', location)).toBe(false);
    expect(isOwnPageUrl('https://evil.example/', location)).toBe(false);
    expect(isOwnPageUrl('about:blank', location)).toBe(false);
    expect(isOwnPageUrl('', location)).toBe(false);
  });

  it('is the dev server’s origin in development, never in a packaged app', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };
    const dev = pageLocation({ indexFile: '/x/out/renderer/index.html', isPackaged: false, env });
    expect(isOwnPageUrl('http://localhost:5173/#/screen/a', dev)).toBe(true);
    expect(isOwnPageUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isOwnPageUrl('file:///x/out/renderer/index.html', dev)).toBe(false);
    expect(pageUrl(dev, '/')).toBe('http://localhost:5173#/');
    const packaged = pageLocation({ indexFile: '/x/out/renderer/index.html', isPackaged: true, env });
    expect(packaged.devServerUrl).toBeNull();
    expect(pageUrl(packaged, '/')).toBe('porthole://app/index.html#/');
  });

  it('compares documents without the hash', () => {
    expect(isSameDocument(`${PAGE}#/a`, `${PAGE}#/b`)).toBe(true);
    expect(isSameDocument(`${PAGE}`, 'porthole://app/x.html')).toBe(false);
    expect(isSameDocument('nope', PAGE)).toBe(false);
  });
});

describe('serving our scheme', () => {
  let dir: string;
  let served: ReturnType<typeof pageLocation>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'porthole-page-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Porthole</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'index-X.js'), 'export {};');
    await writeFile(join(dir, 'secret.txt'), 'not for pages');
    served = pageLocation({ indexFile: join(dir, 'renderer', 'index.html'), isPackaged: true, env: {} });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers the handler on the session', () => {
    const ses = electron.session.defaultSession;
    hardenSession(ses as unknown as Electron.Session, served);
    expect(ses.protocol.handle).toHaveBeenCalledWith('porthole', expect.any(Function));
  });

  it('answers the renderer’s files with their type and the CSP', async () => {
    const page = await servePage('porthole://app/index.html#/', served, CONTENT_SECURITY_POLICY);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>Porthole</title>');
    const script = await servePage('porthole://app/assets/index-X.js', served, CONTENT_SECURITY_POLICY);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('never answers a file outside the renderer’s folder, nor another host', async () => {
    for (const url of [
      'porthole://app/../secret.txt',
      'porthole://app/%2e%2e/secret.txt',
      'porthole://app/assets/..%2f..%2fsecret.txt',
      'porthole://app/%00',
      'porthole://other/index.html',
      'porthole://app/missing.js',
      'file:///etc/passwd',
    ]) {
      expect((await servePage(url, served, CONTENT_SECURITY_POLICY)).status, url).toBe(404);
    }
    expect(pageFile('porthole://app/', served)).toBe(join(dir, 'renderer', 'index.html'));
  });
});
