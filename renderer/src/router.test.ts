import { describe, expect, it } from 'vitest';
import { routeHref, routeOf } from './router';

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

describe('the reports route', () => {
  it('is /reports on the host and #/reports in a file:// page', () => {
    expect(routeOf({ pathname: '/reports', hash: '' })).toBe('reports');
    expect(routeOf({ pathname: '/reports/', hash: '' })).toBe('reports');
    expect(routeOf({ pathname: '/app/out/renderer/index.html', hash: '#/reports' })).toBe('reports');
    expect(routeOf({ pathname: '/reportsx', hash: '' })).toBe('cashier');
  });

  it('has an address for each till screen', () => {
    expect(routeHref('reports', { protocol: 'http:' })).toBe('/reports');
    expect(routeHref('cashier', { protocol: 'http:' })).toBe('/');
    expect(routeHref('reports', { protocol: 'file:' })).toBe('#/reports');
    expect(routeHref('cashier', { protocol: 'file:' })).toBe('#/');
  });
});
