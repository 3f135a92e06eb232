// The desktop shell: the cashier window, the customer display (full screen on a second monitor, or on
// demand from the menu), the application menu, and the IPC/event wiring. Everything arrives through an
// injected `electron` object, so tests drive it with a fake and only main.ts touches the real module.
import type { App, BrowserWindow, BrowserWindowConstructorOptions, Display } from 'electron';
import type { IpcMain, Menu, MenuItemConstructorOptions, Protocol, Screen } from 'electron';
import { METHOD_NAMES } from '../../shared/api';
import type { EventBus } from '../core/bus';
import { bindRouter, relayEvents, type ShellRouter } from './ipc';
import { appUrl, isAppUrl, serveRenderer } from './protocol';
import { hardenedWebPreferences, hardenSession, hardenWebContents } from './security';
import { type ShellStrings, shellStrings } from './strings';

/** The parts of the electron module the shell uses; main.ts passes the real module. */
export interface ShellElectron {
  app: Pick<App, 'getLocale' | 'isPackaged'>;
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => BrowserWindow;
  Menu: Pick<typeof Menu, 'buildFromTemplate' | 'setApplicationMenu'>;
  screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay' | 'on' | 'removeListener'>;
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  protocol: Pick<Protocol, 'handle'>;
  session: { defaultSession: Parameters<typeof hardenSession>[0] };
}

export interface ShellOptions {
  electron: ShellElectron;
  router: ShellRouter;
  bus: Pick<EventBus, 'subscribe'>;
  /** out/preload/preload.cjs */
  preloadPath: string;
  /** out/renderer, served as app://tillpoint/ */
  rendererDir: string;
  platform?: NodeJS.Platform;
}

export interface Shell {
  cashierWindow(): BrowserWindow | null;
  customerWindow(): BrowserWindow | null;
  /** On `display` full screen; without one, on the second monitor if there is one, else a normal window. */
  openCustomerDisplay(display?: Display): BrowserWindow;
  closeCustomerDisplay(): void;
  dispose(): void;
}

export const OPEN_CUSTOMER_DISPLAY_ID = 'open-customer-display';
export const CLOSE_CUSTOMER_DISPLAY_ID = 'close-customer-display';
export const OPEN_CUSTOMER_DISPLAY_ACCELERATOR = 'CmdOrCtrl+Shift+D';

const alive = (win: BrowserWindow | null): win is BrowserWindow => win !== null && !win.isDestroyed();

export function startShell(opts: ShellOptions): Shell {
  const { electron, router, bus, preloadPath, rendererDir, platform = process.platform } = opts;
  const { BrowserWindow, screen } = electron;
  const text = shellStrings(electron.app.getLocale());

  hardenSession(electron.session.defaultSession);
  serveRenderer(electron.protocol, rendererDir);
  bindRouter(electron.ipcMain, router, isAppUrl);

  let cashier: BrowserWindow | null = null;
  let customer: BrowserWindow | null = null;
  /** The monitor the customer display fills, or null when it is a normal window (or closed). */
  let customerDisplayId: number | null = null;

  function createWindow(route: string, title: string, extra: BrowserWindowConstructorOptions): BrowserWindow {
    const win = new BrowserWindow({
      title,
      show: false,
      backgroundColor: '#ffffff',
      ...extra,
      webPreferences: hardenedWebPreferences(preloadPath),
    });
    hardenWebContents(win.webContents, isAppUrl);
    // Keep our localised title rather than the page's <title>.
    win.on('page-title-updated', (event) => event.preventDefault());
    win.loadURL(appUrl(route)).catch((err) => console.error(`[shell] could not load ${route}:`, err));
    return win;
  }

  function secondaryDisplay(): Display | undefined {
    const primary = screen.getPrimaryDisplay();
    return screen.getAllDisplays().find((d) => d.id !== primary.id);
  }

  function fill(win: BrowserWindow, display: Display): void {
    if (win.isFullScreen()) win.setFullScreen(false);
    win.setBounds(display.bounds);
    win.setFullScreen(true);
    customerDisplayId = display.id;
  }

  function openCustomerDisplay(display: Display | undefined = secondaryDisplay()): BrowserWindow {
    if (alive(customer)) {
      if (display) fill(customer, display);
      else customer.show();
      return customer;
    }
    const { x, y, width, height } = display?.bounds ?? { x: undefined, y: undefined, width: 1024, height: 768 };
    const win = createWindow('/customer', text.customerTitle, {
      x,
      y,
      width,
      height,
      ...(display ? { fullscreen: true, frame: false, autoHideMenuBar: true } : {}),
    });
    customer = win;
    customerDisplayId = display?.id ?? null;
    win.once('ready-to-show', () => {
      // On its own monitor the display must not take the keyboard: a scanner types into the focused window.
      if (display) win.showInactive();
      else win.show();
    });
    win.on('closed', () => {
      if (customer === win) {
        customer = null;
        customerDisplayId = null;
      }
    });
    return win;
  }

  function closeCustomerDisplay(): void {
    const win = customer;
    // close() finishes asynchronously: forget the window now, so a reopen right after makes a new one.
    customer = null;
    customerDisplayId = null;
    if (alive(win)) win.close();
  }

  const onDisplayAdded = (_event: unknown, display: Display) => {
    // A monitor plugged in while the display is closed or a normal window: fill the new monitor.
    if (customerDisplayId === null && display.id !== screen.getPrimaryDisplay().id) openCustomerDisplay(display);
  };
  const onDisplayRemoved = (_event: unknown, display: Display) => {
    if (customerDisplayId !== display.id) return;
    closeCustomerDisplay();
    const next = secondaryDisplay();
    if (next) openCustomerDisplay(next);
  };
  screen.on('display-added', onDisplayAdded);
  screen.on('display-removed', onDisplayRemoved);

  electron.Menu.setApplicationMenu(
    electron.Menu.buildFromTemplate(
      applicationMenu(text, platform, electron.app.isPackaged, {
        open: () => void openCustomerDisplay(),
        close: closeCustomerDisplay,
      }),
    ),
  );

  const win = createWindow('/', text.cashierTitle, { width: 1280, height: 800, minWidth: 800, minHeight: 560 });
  cashier = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    cashier = null;
    // The display alone would keep the app open with no way to sell.
    closeCustomerDisplay();
  });

  const second = secondaryDisplay();
  if (second) openCustomerDisplay(second);

  const stopRelay = relayEvents(bus, () => [cashier, customer].filter(alive).map((w) => w.webContents));

  return {
    cashierWindow: () => (alive(cashier) ? cashier : null),
    customerWindow: () => (alive(customer) ? customer : null),
    openCustomerDisplay,
    closeCustomerDisplay,
    dispose() {
      stopRelay();
      screen.removeListener('display-added', onDisplayAdded);
      screen.removeListener('display-removed', onDisplayRemoved);
      for (const method of METHOD_NAMES) electron.ipcMain.removeHandler(method);
    },
  };
}

function applicationMenu(
  text: ShellStrings,
  platform: NodeJS.Platform,
  packaged: boolean,
  customerDisplay: { open(): void; close(): void },
): MenuItemConstructorOptions[] {
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  return [
    platform === 'darwin'
      ? { role: 'appMenu' }
      : { label: text.fileMenu, submenu: [{ role: 'quit', label: text.quit }] },
    {
      label: text.editMenu,
      submenu: [
        { role: 'undo', label: text.undo },
        { role: 'redo', label: text.redo },
        separator,
        { role: 'cut', label: text.cut },
        { role: 'copy', label: text.copy },
        { role: 'paste', label: text.paste },
        { role: 'selectAll', label: text.selectAll },
      ],
    },
    {
      label: text.viewMenu,
      submenu: [
        // Reloading mid-sale loses nothing (the cart is a persisted draft), but a shop has no use for it.
        ...(packaged
          ? []
          : [
              { role: 'reload', label: text.reload } as const,
              { role: 'toggleDevTools', label: text.devTools } as const,
              separator,
            ]),
        { role: 'resetZoom', label: text.actualSize },
        { role: 'zoomIn', label: text.zoomIn },
        { role: 'zoomOut', label: text.zoomOut },
        separator,
        { role: 'togglefullscreen', label: text.fullScreen },
      ],
    },
    {
      label: text.displayMenu,
      submenu: [
        {
          id: OPEN_CUSTOMER_DISPLAY_ID,
          label: text.openCustomerDisplay,
          accelerator: OPEN_CUSTOMER_DISPLAY_ACCELERATOR,
          click: customerDisplay.open,
        },
        { id: CLOSE_CUSTOMER_DISPLAY_ID, label: text.closeCustomerDisplay, click: customerDisplay.close },
      ],
    },
    {
      label: text.windowMenu,
      submenu: [
        { role: 'minimize', label: text.minimize },
        { role: 'close', label: text.closeWindow },
      ],
    },
  ];
}
