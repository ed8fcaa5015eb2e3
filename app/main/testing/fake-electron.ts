// A small stand-in for the parts of Electron the main process uses, for unit tests
// (`vi.mock('electron', ...)`). It records what the code asked for; it renders nothing.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  destroyed = false;
  sent: unknown[][] = [];
  mainFrame = new FakeFrame('');
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  /** loadURL emits 'ready-to-show' at once; a test that sets false emits it itself. */
  static autoReady = true;
  readonly webContents = new FakeWebContents();
  visible = false;
  destroyed = false;
  maximized = false;
  minimized = false;
  focused = 0;
  loaded: string | undefined;

  constructor(public readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
  }
  static fromWebContents(wc: unknown): FakeBrowserWindow | null {
    return FakeBrowserWindow.all.find((w) => w.webContents === wc) ?? null;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.mainFrame.url = url;
    if (FakeBrowserWindow.autoReady) this.emit('ready-to-show');
  }
  show(): void {
    const was = this.visible;
    this.visible = true;
    if (!was) this.emit('show');
  }
  hide(): void {
    this.visible = false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  focus(): void {
    this.focused++;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  /** As on Linux: maximizing a hidden window shows it. */
  maximize(): void {
    this.maximized = true;
    this.show();
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFullScreen(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  getNormalBounds(): { x: number; y: number; width: number; height: number } {
    return { x: 10, y: 20, width: 1000, height: 700 };
  }
  /** Like a person clicking the close button: 'close' may be prevented. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
  }
}

type Template = MenuItemConstructorOptions[];

export class FakeMenu {
  constructor(public readonly template: Template) {}
  static buildFromTemplate(template: Template): FakeMenu {
    return new FakeMenu(template);
  }
  static setApplicationMenu = vi.fn();
  getMenuItemById(id: string): { id: string; enabled: boolean; click: () => void } | null {
    const walk = (items: Template): MenuItemConstructorOptions | null => {
      for (const item of items) {
        if (item.id === id) return item;
        const inner = Array.isArray(item.submenu) ? walk(item.submenu) : null;
        if (inner) return inner;
      }
      return null;
    };
    const found = walk(this.template);
    if (!found) return null;
    return {
      id,
      enabled: found.enabled !== false,
      click: () => (found.click as (() => void) | undefined)?.(),
    };
  }
}

export class FakeTray {
  static all: FakeTray[] = [];
  menu: FakeMenu | undefined;
  tooltip = '';
  image: unknown;
  destroyed = false;
  constructor(image: unknown) {
    this.image = image;
    FakeTray.all.push(this);
  }
  setContextMenu(menu: FakeMenu): void {
    this.menu = menu;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static shown: { title?: string; body?: string }[] = [];
  static all: FakeNotification[] = [];
  static isSupported = (): boolean => true;
  constructor(public readonly options: { title?: string; body?: string }) {
    super();
    FakeNotification.all.push(this);
  }
  show(): void {
    FakeNotification.shown.push(this.options);
  }
}

export type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

/** A fresh fake `electron` module. */
export function fakeElectron() {
  const handlers = new Map<string, IpcHandler>();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    setName: vi.fn(),
    setPath: vi.fn(),
    getPath: vi.fn((name: string) => `/tmp/fake-${name}`),
    getAppPath: vi.fn(() => '/work/main'),
    getVersion: vi.fn(() => '0.1.0'),
    enableSandbox: vi.fn(),
    requestSingleInstanceLock: vi.fn(() => true),
    releaseSingleInstanceLock: vi.fn(),
    disableHardwareAcceleration: vi.fn(),
    commandLine: { appendSwitch: vi.fn() },
    setAboutPanelOptions: vi.fn(),
    whenReady: vi.fn(() => ready),
    quit: vi.fn(),
    exit: vi.fn(),
    /** Test control: lets whenReady() resolve. */
    becomeReady: () => resolveReady(),
  });
  const session = {
    defaultSession: {
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onHeadersReceived: vi.fn() },
      protocol: { handle: vi.fn() },
    },
  };
  return {
    app,
    session,
    BrowserWindow: FakeBrowserWindow,
    Menu: FakeMenu,
    Tray: FakeTray,
    Notification: FakeNotification,
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    nativeImage: { createFromPath: vi.fn((path: string) => ({ path })) },
    shell: { openExternal: vi.fn(async () => undefined), showItemInFolder: vi.fn(), openPath: vi.fn(async () => '') },
    clipboard: { readText: vi.fn(async () => 'from clipboard'), writeText: vi.fn(async () => undefined) },
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: 0, checkboxChecked: false })),
      showErrorBox: vi.fn(),
      showOpenDialog: vi.fn(async () => ({ canceled: true, filePaths: [] })),
      showSaveDialog: vi.fn(async () => ({ canceled: true })),
    },
    screen: {
      getPrimaryDisplay: () => ({ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }),
      getAllDisplays: () => [{ id: 1, workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
    },
    ipcMain: {
      handlers,
      handle: vi.fn((channel: string, handler: IpcHandler) => {
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => {
        handlers.delete(channel);
      }),
    },
  };
}

export type FakeElectron = ReturnType<typeof fakeElectron>;

/** An IPC event as Electron gives it to ipcMain.handle listeners. */
export function ipcEventFrom(
  wc: FakeWebContents,
  frame: FakeFrame | null = wc.mainFrame,
): { sender: FakeWebContents; senderFrame: FakeFrame | null } {
  return { sender: wc, senderFrame: frame };
}
