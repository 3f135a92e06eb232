import { describe, expect, it } from 'vitest';
import { routeOf } from './router';

describe('routeOf', () => {
  it('reads paths served by the host', () => {
    expect(routeOf({ pathname: '/', hash: '' })).toBe('cashier');
    expect(routeOf({ pathname: '/customer', hash: '' })).toBe('customer');
    expect(routeOf({ pathname: '/customer/', hash: '' })).toBe('customer');
  });

  it('reads hashes for file:// pages', () => {
    expect(routeOf({ pathname: '/app/out/renderer/index.html', hash: '#/customer' })).toBe('customer');
    expect(routeOf({ pathname: '/app/out/renderer/index.html', hash: '#/' })).toBe('cashier');
    expect(routeOf({ pathname: '/app/out/renderer/index.html', hash: '' })).toBe('cashier');
  });

  it('does not mistake other paths for the display', () => {
    expect(routeOf({ pathname: '/customers', hash: '' })).toBe('cashier');
  });
});
