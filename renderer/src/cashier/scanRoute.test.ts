import { describe, expect, it } from 'vitest';
import { routePaymentCode } from '../../../shared/payment';
import { gs1CheckDigit, SCALE_PRESETS, type ScaleSettings } from '../../../shared/scale';
import { routeScan, type ScanScreen } from './scanRoute';

const withCheckDigit = (body: string) => body + gs1CheckDigit(body);

const PRODUCT = '6901234567892';
const ALIPAY = '285012345678901234';
const WECHAT = '134567890123456789';

const screen = (over: Partial<ScanScreen> = {}): ScanScreen => ({
  dialog: null,
  paymentOpen: false,
  saleDone: false,
  scale: null,
  ...over,
});
const SCALES: ScaleSettings = { enabled: true, prefixes: [25, 28], templates: [SCALE_PRESETS.cn18] };
// 25 | 00123 | 512 g | 6.55 | check digit: also an Alipay code's shape.
const LABEL = withCheckDigit('25001230051200655');

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

  it('tries an 18-digit scale label starting with 25 as a label before a payment code', () => {
    expect(routePaymentCode(LABEL)).toEqual({ provider: 'alipay' });
    expect(routeScan(LABEL, screen({ scale: SCALES }))).toBe('scaleFirst');
    expect(routeScan(LABEL, screen({ scale: SCALES, dialog: 'pay' }))).toBe('scaleFirst');
    // Scales off, another flag, a wrong check digit: the payment code it looks like.
    expect(routeScan(LABEL, screen({ scale: { ...SCALES, enabled: false } }))).toBe('codeOutsideCheckout');
    expect(routeScan(LABEL, screen({ scale: { ...SCALES, prefixes: [28] }, dialog: 'pay' }))).toBe('payCode');
    const misread = LABEL.slice(0, -1) + ((Number(LABEL.at(-1)) + 1) % 10);
    expect(routeScan(misread, screen({ scale: SCALES, dialog: 'pay' }))).toBe('payCode');
    // With a payment open the cart takes nothing: the customer's code.
    expect(routeScan(LABEL, screen({ scale: SCALES, dialog: 'pay', paymentOpen: true }))).toBe('payCode');
    expect(routeScan(LABEL, screen({ scale: SCALES, dialog: 'catalog' }))).toBe('catalog');
  });

  it('treats EAN-13 and short codes as products even when they start like a wallet code', () => {
    expect(routeScan('2850123456789', screen({ dialog: 'pay' }))).toBe('cart');
  });

  it('opens the refund dialog for a scanned receipt QR, unless a payment is open', () => {
    expect(routeScan('TPO-a1b2c3-42', screen())).toBe('refundReceipt');
    expect(routeScan('TPO-42', screen({ dialog: 'history', saleDone: true }))).toBe('refundReceipt');
    expect(routeScan('TPO-42', screen({ dialog: 'pay', paymentOpen: true }))).toBe('cartLocked');
  });
});
