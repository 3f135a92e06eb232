// Window hardening from Electron's security checklist: an isolated, sandboxed renderer without Node,
// that can neither navigate away, open windows, embed webviews nor be granted any permission.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

/**
 * The Content-Security-Policy every window gets as a response header: the same policy as the meta tag in
 * renderer/index.html (security.test.ts holds them equal), so the page is held to it however it is served.
 * `'self'` is app://tillpoint in Electron; `ws:` serves the browser client's push events under the host.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws:",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');

export function hardenedWebPreferences(preloadPath: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Denies window.open, navigation and redirects away from the app, and webviews. */
export function hardenWebContents(contents: HardenableContents, isAppUrl: (url: string) => boolean): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** No camera, notifications, geolocation...: the till needs none. Every response carries the CSP. */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
}
