// What every wallet adapter needs to know about its connection, kept in one place.

/**
 * Connection errors that prove the request never reached the wallet's server: only these are 'unreachable'
 * (a timeout, a reset or a 5xx may come after the request arrived, so those leave the outcome unknown).
 */
export const NOT_REACHED: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
