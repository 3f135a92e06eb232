import { describe, expect, it } from 'vitest';
import { routeScan, type ScanScreen } from './scanRoute';

const PRODUCT = '6901234567892';
const ALIPAY = '285012345678901234';
const WECHAT = '134567890123456789';

const screen = (over: Partial<ScanScreen> = {}): ScanScreen => ({
  dialog: null,
  paymentOpen: false,
  saleDone: false,
  ...over,
});

describe('routeScan', () => {
  it('sells product barcodes when no payment is open', () => {
    expect(routeScan(PRODUCT, screen())).toBe('cart');
    expect(routeScan(PRODUCT, screen({ dialog: 'pay' }))).toBe('cart');
  });

  it('charges a payment code while the checkout dialog is open', () => {
    expect(routeScan(ALIPAY, screen({ dialog: 'pay' }))).toBe('payCode');
    expect(routeScan(WECHAT, screen({ dialog: 'pay', paymentOpen: true }))).toBe('payCode');
  });

  it('refuses a product while a payment is open, with or without the dialog', () => {
    expect(routeScan(PRODUCT, screen({ dialog: 'pay', paymentOpen: true }))).toBe('cartLocked');
    expect(routeScan(PRODUCT, screen({ paymentOpen: true }))).toBe('cartLocked');
  });

  it('never sells a payment code as a product outside checkout', () => {
    expect(routeScan(ALIPAY, screen())).toBe('codeOutsideCheckout');
    expect(routeScan(ALIPAY, screen({ dialog: 'cash' }))).toBe('codeOutsideCheckout');
  });

  it('starts the next sale from a finished sale screen', () => {
    expect(routeScan(PRODUCT, screen({ dialog: 'pay', saleDone: true }))).toBe('nextSale');
    expect(routeScan(PRODUCT, screen({ dialog: 'cash', saleDone: true }))).toBe('nextSale');
  });

  it('leaves the catalog manager its own scans', () => {
    expect(routeScan(ALIPAY, screen({ dialog: 'catalog' }))).toBe('catalog');
    expect(routeScan(PRODUCT, screen({ dialog: 'catalog', paymentOpen: true }))).toBe('catalog');
  });

  it('treats EAN-13 and short codes as products even when they start like a wallet code', () => {
    expect(routeScan('2850123456789', screen({ dialog: 'pay' }))).toBe('cart');
  });
});
