// Two screens, no router dependency. Paths for the host (/customer), hashes for Electron's file:// (#/customer).
import { useSyncExternalStore } from 'react';

export type Route = 'cashier' | 'customer';

export function routeOf(loc: { pathname: string; hash: string }): Route {
  const hash = loc.hash.replace(/^#/, '');
  const path = hash.startsWith('/') ? hash : loc.pathname;
  return /\/customer\/?$/.test(path.split('?')[0]) ? 'customer' : 'cashier';
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
