// Three screens, no router dependency. Paths for the host (/customer, /reports), hashes for Electron's file://
// (#/customer, #/reports).
import { useSyncExternalStore } from 'react';

export type Route = 'cashier' | 'customer' | 'reports';

export function routeOf(loc: { pathname: string; hash: string }): Route {
  const hash = loc.hash.replace(/^#/, '');
  const path = (hash.startsWith('/') ? hash : loc.pathname).split('?')[0];
  if (/\/customer\/?$/.test(path)) return 'customer';
  if (/\/reports\/?$/.test(path)) return 'reports';
  return 'cashier';
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener('popstate', onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener('popstate', onChange);
  };
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location));
}

/** Where the customer display is, relative to the page the cashier is on. */
export function customerDisplayHref(loc: { protocol: string }): string {
  return loc.protocol === 'file:' ? '#/customer' : '/customer';
}

/** The address of a screen of the till (the customer display has its own link, in a tab of its own). */
export function routeHref(route: 'cashier' | 'reports', loc: { protocol: string }): string {
  const path = route === 'reports' ? '/reports' : '/';
  return loc.protocol === 'file:' ? `#${path}` : path;
}

/**
 * Moves to another screen in the same tab without reloading (the connection, the signed-in person and the
 * settings stay): a hash for file://, history.pushState for the host; useRoute hears the change.
 */
export function navigate(route: 'cashier' | 'reports'): void {
  const href = routeHref(route, window.location);
  if (href.startsWith('#')) {
    window.location.hash = href.slice(1);
    return;
  }
  window.history.pushState(null, '', href);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
