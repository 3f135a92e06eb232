import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, METHOD_NAMES, type Result } from '../../shared/api';
import { EventBus } from '../core/bus';
import { type FakeBrowserWindow, fakeDisplay, fakeElectron, settle } from './fake-electron';
import { APP_ORIGIN } from './protocol';
import { CSP } from './security';
import {
  CLOSE_CUSTOMER_DISPLAY_ID,
  OPEN_CUSTOMER_DISPLAY_ACCELERATOR,
  OPEN_CUSTOMER_DISPLAY_ID,
  startShell,
} from './windows';

const laptop = fakeDisplay(1, 0);
const customerScreen = fakeDisplay(2, 1920, 1024, 600);

function start(displays = [laptop], locale = 'en-US') {
  const fake = fakeElectron(displays, locale);
  const bus = new EventBus();
  const router = { call: vi.fn(async (): Promise<Result<unknown>> => ({ ok: true, value: 'answered' })) };
  const shell = startShell({
    electron: fake.electron,
    router,
    bus,
    preloadPath: '/app/out/preload/preload.cjs',
    rendererDir: '/app/out/renderer',
    platform: 'linux',
  });
  const win = (w: unknown) => w as FakeBrowserWindow;
  return { ...fake, bus, router, shell, win };
}

describe('windows and displays', () => {
  it('with one monitor opens only the cashier, and the menu item opens the customer display as a normal window', async () => {
    const { windows, menuItem, shell, win } = start();
    expect(windows()).toHaveLength(1);
    expect(windows()[0].url).toBe(`${APP_ORIGIN}/`);

    const item = menuItem(OPEN_CUSTOMER_DISPLAY_ID)!;
    expect(item.label).toBe('Open customer display');
    expect(item.accelerator).toBe(OPEN_CUSTOMER_DISPLAY_ACCELERATOR);
    (item.click as () => void)();

    expect(windows()).toHaveLength(2);
    const customer = win(shell.customerWindow());
    expect(customer.url).toBe(`${APP_ORIGIN}/customer`);
    expect(customer.isFullScreen()).toBe(false);
    customer.emit('ready-to-show');
    expect(customer.shown).toBe('active');

    // A second click brings the same window back rather than opening another.
    (item.click as () => void)();
    expect(windows()).toHaveLength(2);

    (menuItem(CLOSE_CUSTOMER_DISPLAY_ID)!.click as () => void)();
    expect(shell.customerWindow()).toBeNull();
    await settle();
    expect(customer.isDestroyed()).toBe(true);
  });

  it('with two monitors fills the second one with the customer display without taking the keyboard', () => {
    const { windows, shell, win } = start([laptop, customerScreen]);
    expect(windows()).toHaveLength(2);
    const customer = win(shell.customerWindow());
    expect(customer.url).toBe(`${APP_ORIGIN}/customer`);
    expect(customer.options).toMatchObject({ x: 1920, y: 0, width: 1024, height: 600, fullscreen: true });
    customer.emit('ready-to-show');
    expect(customer.shown).toBe('inactive');
    expect(win(shell.cashierWindow()).url).toBe(`${APP_ORIGIN}/`);
  });

  it('opens the display when a monitor is plugged in and closes it when that monitor goes', async () => {
    const { screen, shell, win } = start();
    expect(shell.customerWindow()).toBeNull();

    screen.displays = [laptop, customerScreen];
    screen.emit('display-added', {}, customerScreen);
    const customer = win(shell.customerWindow());
    expect(customer.options).toMatchObject({ x: 1920, fullscreen: true });

    screen.displays = [laptop];
    screen.emit('display-removed', {}, customerScreen);
    await settle();
    expect(customer.isDestroyed()).toBe(true);
    expect(shell.customerWindow()).toBeNull();
  });

  it('moves to another monitor when the one it filled is unplugged', async () => {
    const third = fakeDisplay(3, 2944, 800, 480);
    const { screen, shell, win, windows } = start([laptop, customerScreen, third]);
    const first = win(shell.customerWindow());
    expect(first.options).toMatchObject({ x: 1920 });

    screen.displays = [laptop, third];
    screen.emit('display-removed', {}, customerScreen);
    await settle();
    expect(first.isDestroyed()).toBe(true);
    const next = win(shell.customerWindow());
    expect(next).not.toBe(first);
    expect(next.options).toMatchObject({ x: 2944, width: 800, height: 480, fullscreen: true });
    expect(windows().filter((w) => !w.isDestroyed())).toHaveLength(2);
  });

  it('moves a customer window opened from the menu onto a monitor plugged in later', () => {
    const { screen, shell, win } = start();
    const customer = win(shell.openCustomerDisplay());
    expect(customer.isFullScreen()).toBe(false);

    screen.displays = [laptop, customerScreen];
    screen.emit('display-added', {}, customerScreen);
    expect(win(shell.customerWindow())).toBe(customer);
    expect(customer.isFullScreen()).toBe(true);
    expect(customer.bounds).toMatchObject(customerScreen.bounds);
  });

  it('closing the cashier closes the customer display too', async () => {
    const { shell, win } = start([laptop, customerScreen]);
    const customer = win(shell.customerWindow());
    win(shell.cashierWindow()).close();
    await settle();
    expect(customer.isDestroyed()).toBe(true);
  });

  it('labels the menu and titles in Chinese when the system is Chinese', () => {
    const { menu, menuItem, windows } = start([laptop], 'zh-CN');
    expect(menuItem(OPEN_CUSTOMER_DISPLAY_ID)!.label).toBe('打开顾客显示屏');
    expect(windows()[0].options.title).toBe('Tillpoint 收银台');
    // Electron's role labels are English outside macOS: every item carries its own.
    const labels = (items: MenuItemConstructorOptions[]): (string | undefined)[] =>
      items
        .filter((i) => i.type !== 'separator')
        .flatMap((i) => [i.label, ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
    const all = labels(menu.template!);
    expect(all.length).toBeGreaterThan(10);
    for (const label of all) expect(label).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('hardening', () => {
  it('both windows are isolated, sandboxed, without Node, with the preload', () => {
    const { windows } = start([laptop, customerScreen]);
    expect(windows()).toHaveLength(2);
    for (const w of windows()) {
      expect(w.options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
        preload: '/app/out/preload/preload.cjs',
      });
    }
  });

  it('prevents navigation to another origin, denies window.open and webviews', () => {
    const { windows } = start([laptop, customerScreen]);
    for (const w of windows()) {
      const contents = w.webContents;
      expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
      expect(contents.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
      expect(contents.fire('will-navigate', 'app://tillpoint.evil/')).toBe(true);
      expect(contents.fire('will-redirect', 'http://127.0.0.1:1/')).toBe(true);
      expect(contents.fire('will-navigate', `${APP_ORIGIN}/customer`)).toBe(false);
      expect(contents.fire('will-attach-webview', {}, {})).toBe(true);
      expect(contents.windowOpenHandler!({ url: `${APP_ORIGIN}/` })).toEqual({ action: 'deny' });
      expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    }
  });

  it('denies every permission request and check, and sends the CSP with every response', () => {
    const { permissions } = start();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen']) {
      const callback = vi.fn();
      permissions.request!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(permissions.check!({}, permission, APP_ORIGIN, {})).toBe(false);
    }
    const callback = vi.fn();
    permissions.headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CSP] },
    });
  });
});

describe('IPC and events', () => {
  it('registers one IPC channel per API method, and nothing else', () => {
    const { ipcHandlers } = start();
    expect([...ipcHandlers.keys()].sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('answers calls from the app’s own pages through the router, and refuses other senders', async () => {
    const { ipcHandlers, router } = start();
    const handler = ipcHandlers.get('cart.scan')!;
    const fromApp = { senderFrame: { url: `${APP_ORIGIN}/` } };
    await expect(handler(fromApp, { barcode: '123' })).resolves.toEqual({ ok: true, value: 'answered' });
    expect(router.call).toHaveBeenCalledWith('cart.scan', { barcode: '123' }, { transport: 'ipc' });

    router.call.mockClear();
    for (const sender of [{ senderFrame: { url: 'https://evil.example/' } }, { senderFrame: null }, {}]) {
      const answer = (await handler(sender, { barcode: '123' })) as Result<unknown>;
      expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(router.call).not.toHaveBeenCalled();
  });

  it('relays a bus event to both windows, and stops sending to a closed one', async () => {
    const { bus, shell, win } = start([laptop, customerScreen]);
    const cashier = win(shell.cashierWindow());
    const customer = win(shell.customerWindow());
    const payload = { reason: 'saved' } as const;
    bus.emit('catalog.changed', payload);
    for (const w of [cashier, customer]) {
      expect(w.webContents.sent).toEqual([{ channel: EVENT_CHANNEL, args: [{ event: 'catalog.changed', payload }] }]);
    }

    customer.close();
    await settle();
    bus.emit('catalog.changed', payload);
    expect(cashier.webContents.sent).toHaveLength(2);
    expect(customer.webContents.sent).toHaveLength(1);
  });

  it('dispose unbinds the channels and the relay', () => {
    const { bus, shell, ipcHandlers, win } = start();
    shell.dispose();
    expect(ipcHandlers.size).toBe(0);
    bus.emit('catalog.changed', { reason: 'saved' });
    expect(win(shell.cashierWindow()).webContents.sent).toHaveLength(0);
  });
});
