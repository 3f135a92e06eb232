import { afterEach, describe, expect, it, vi } from 'vitest';
import { TillError } from '../../shared/api';
import type { Handlers } from '../core/types';
import { DEFAULT_SETTINGS } from '../till/settings';
import { createRouter, httpStatus } from './router';

const ctx = { transport: 'ipc' } as const;

const settings = {
  ...DEFAULT_SETTINGS,
  shopName: 'Corner Cafe',
  language: 'en',
  scanMaxGapMs: 40,
  displayThanksMs: 4000,
};

function router(overrides: Partial<Record<keyof Handlers, (args: never) => unknown>>, validateOutput = true) {
  return createRouter(overrides as unknown as Handlers, { validateOutput });
}

afterEach(() => vi.restoreAllMocks());

describe('router', () => {
  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const r = router({});
    expect(await r.call('cart.explode', {}, ctx)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    // Inherited object keys are not methods either.
    expect(await r.call('__proto__', {}, ctx)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await r.call('constructor', {}, ctx)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('passes validated input with defaults applied to the handler', async () => {
    const scan = vi.fn(() => {
      throw new TillError('UNKNOWN_BARCODE', 'No product has barcode 123', { barcode: '123' });
    });
    await router({ 'cart.scan': scan }).call('cart.scan', { barcode: ' 123 ' }, ctx);
    expect(scan).toHaveBeenCalledWith({ barcode: '123', quantity: 1 }, ctx);
  });

  it('treats a missing input as no fields', async () => {
    const get = vi.fn(() => settings);
    expect(await router({ 'settings.get': get }).call('settings.get', undefined, ctx)).toEqual({
      ok: true,
      value: settings,
    });
  });

  it('refuses invalid input with a message naming each field, without calling the handler', async () => {
    const save = vi.fn();
    const res = await router({ 'products.save': save }).call(
      'products.save',
      { barcode: 'a b', name: 'Cola', priceMinor: 1.5, colour: 'red' },
      ctx,
    );
    expect(save).not.toHaveBeenCalled();
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('INVALID_INPUT');
    expect(res.error.message).toMatch(/barcode/);
    expect(res.error.message).toMatch(/priceMinor/);
    expect(res.error.message).toMatch(/colour/);
    expect(res.error.issues?.map((i) => i.path).sort()).toEqual(['barcode', 'colour', 'priceMinor']);
    expect(httpStatus(res)).toBe(400);
  });

  it('refuses a non-object input', async () => {
    const res = await router({ 'app.info': vi.fn() }).call('app.info', [1, 2], ctx);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('turns a TillError into its code, message and params', async () => {
    const res = await router({
      'checkout.cash': () => {
        throw new TillError('TENDERED_TOO_LOW', 'Tendered 10.00 is less than 12.50', { totalMinor: 1250 });
      },
    }).call('checkout.cash', { tenderedMinor: 1000 }, ctx);
    expect(res).toEqual({
      ok: false,
      error: { code: 'TENDERED_TOO_LOW', message: 'Tendered 10.00 is less than 12.50', params: { totalMinor: 1250 } },
    });
    expect(httpStatus(res)).toBe(422);
  });

  it('hides any other error behind INTERNAL and logs the real one', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await router({
      'cart.get': async () => {
        throw new Error('SQLITE_CORRUPT: secret path /home/shop/tillpoint.db');
      },
    }).call('cart.get', {}, ctx);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('INTERNAL');
    expect(res.error.message).not.toMatch(/SQLITE|secret/);
    expect(String(log.mock.calls.flat().map(String))).toMatch(/SQLITE_CORRUPT/);
    expect(httpStatus(res)).toBe(500);
  });

  it('treats an answer outside the contract as INTERNAL outside production', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = { 'settings.get': () => ({ ...settings, currency: 'DOGE' }) };
    expect(await router(broken).call('settings.get', {}, ctx)).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(String(log.mock.calls.flat())).toMatch(/currency/);
    // Production trusts the handlers and skips the cost of checking every answer.
    expect(await router(broken, false).call('settings.get', {}, ctx)).toMatchObject({ ok: true });
  });

  it('checks outputs by default when NODE_ENV is not production', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = createRouter({ 'settings.get': () => ({ shopName: '' }) } as unknown as Handlers);
    expect(await r.call('settings.get', {}, ctx)).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});
