// A stand-in for the parts of `electron` the shell uses, recording what the shell asked for, so the
// window/IPC/hardening logic runs under plain Node. Only for tests.
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, Display, MenuItemConstructorOptions } from 'electron';
import type { ShellElectron } from './windows';

export class FakeWebContents extends EventEmitter {
  sent: { channel: string; args: unknown[] }[] = [];
  windowOpenHandler?: (details: { url: string }) => { action: string };
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]) {
    this.sent.push({ channel, args });
  }
  /** Emits a cancellable event like Electron does; returns whether a listener prevented it. */
  fire(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static all: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  url?: string;
  destroyed = false;
  closing = false;
  fullScreen: boolean;
  bounds: { x?: number; y?: number; width?: number; height?: number };
  shown: 'no' | 'active' | 'inactive' = 'no';

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    this.fullScreen = options.fullscreen ?? false;
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
    FakeBrowserWindow.all.push(this);
  }
  loadURL(url: string) {
    this.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return this.destroyed;
  }
  isFullScreen() {
    return this.fullScreen;
  }
  setFullScreen(flag: boolean) {
    this.fullScreen = flag;
  }
  setBounds(bounds: FakeBrowserWindow['bounds']) {
    this.bounds = { ...bounds };
  }
  show() {
    this.shown = 'active';
  }
  showInactive() {
    this.shown = 'inactive';
  }
  /** Like Electron, the window is gone ('closed') only a moment after close(). */
  close() {
    if (this.closing || this.destroyed) return;
    this.closing = true;
    setImmediate(() => {
      this.destroyed = true;
      this.emit('closed');
    });
  }
}

/** Lets pending window closes finish, including closes they cause. */
export async function settle(): Promise<void> {
  do await new Promise<void>((resolve) => setImmediate(resolve));
  while (FakeBrowserWindow.all.some((w) => w.closing && !w.destroyed));
}

export function fakeDisplay(id: number, x: number, width = 1920, height = 1080): Display {
  const bounds = { x, y: 0, width, height };
  return { id, bounds, workArea: bounds, size: { width, height }, scaleFactor: 1 } as unknown as Display;
}

export function fakeElectron(displays: Display[], locale = 'en-US') {
  FakeBrowserWindow.all = [];
  const screen = Object.assign(new EventEmitter(), {
    displays,
    getAllDisplays: () => screen.displays,
    getPrimaryDisplay: () => screen.displays[0],
  });
  const ipcHandlers = new Map<string, (event: unknown, input: unknown) => unknown>();
  const menu: { template?: MenuItemConstructorOptions[] } = {};
  type Headers = { responseHeaders?: Record<string, string[]> };
  const permissions: {
    request?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
    check?: (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
    headers?: (details: Headers, callback: (response: Headers) => void) => void;
  } = {};
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();

  const electron = {
    app: { getLocale: () => locale, isPackaged: false },
    BrowserWindow: FakeBrowserWindow,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
        menu.template = template;
        return template;
      },
      setApplicationMenu: () => {},
    },
    screen,
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, input: unknown) => unknown) => {
        if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        ipcHandlers.set(channel, fn);
      },
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    protocol: {
      handle: (scheme: string, fn: (request: Request) => Promise<Response>) => protocolHandlers.set(scheme, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof permissions.request) => {
          permissions.request = fn;
        },
        setPermissionCheckHandler: (fn: typeof permissions.check) => {
          permissions.check = fn;
        },
        webRequest: {
          onHeadersReceived: (fn: typeof permissions.headers) => {
            permissions.headers = fn;
          },
        },
      },
    },
  };

  function menuItem(id: string): MenuItemConstructorOptions | undefined {
    const walk = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
      for (const item of items) {
        if (item.id === id) return item;
        const found = Array.isArray(item.submenu) ? walk(item.submenu) : undefined;
        if (found) return found;
      }
      return undefined;
    };
    return walk(menu.template ?? []);
  }

  return {
    electron: electron as unknown as ShellElectron,
    screen,
    ipcHandlers,
    menu,
    menuItem,
    permissions,
    protocolHandlers,
    windows: () => FakeBrowserWindow.all,
  };
}
