import { describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/domain';
import { PAYMENT_STATES } from '../../shared/payment';
import { en } from './i18n/en';
import { zhCN } from './i18n/zh-CN';
import {
  FAIL_REASONS,
  failReasonKey,
  formatCountdown,
  isCancelling,
  isNewerPayment,
  msUntil,
  OPTION_REASONS,
  optionReasonKey,
  statusKey,
} from './paymentText';

function lookup(messages: object, key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages);
}

function payment(over: Partial<Payment> = {}): Payment {
  return {
    id: 1,
    orderId: 1,
    method: 'qr',
    status: 'pending',
    amountMinor: 1800,
    tenderedMinor: null,
    changeMinor: null,
    staffId: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    provider: 'demo',
    tradeNumber: 'T1_20260101_000001_abcd',
    providerRef: null,
    qrContent: 'http://127.0.0.1/pay/x',
    expiresAt: null,
    settledAt: null,
    confirmedByHand: false,
    maskedCode: null,
    reason: null,
    attention: null,
    refundedMinor: 0,
    isDemo: true,
    groupId: null,
    ...over,
  };
}

describe('statusKey', () => {
  it('has words in both languages for every payment state and method', () => {
    for (const status of PAYMENT_STATES) {
      for (const method of ['qr', 'payment_code', 'bank_qr'] as const) {
        const key = statusKey({ status, method, reason: null });
        expect(lookup(en, key), `${status}/${method}`).toBeTypeOf('string');
        expect(lookup(zhCN, key), `${status}/${method}`).toBeTypeOf('string');
      }
    }
  });

  it('tells waiting for a scan from a customer confirming in their wallet', () => {
    expect(statusKey({ status: 'pending', method: 'qr', reason: null })).toBe('pay.status.waiting');
    expect(statusKey({ status: 'pending', method: 'payment_code', reason: 'user_paying' })).toBe(
      'pay.status.userPaying',
    );
    expect(statusKey({ status: 'unknown', method: 'payment_code', reason: 'user_paying' })).toBe(
      'pay.status.userPaying',
    );
    expect(statusKey({ status: 'unknown', method: 'qr', reason: 'timeout' })).toBe('pay.status.checking');
    expect(statusKey({ status: 'pending', method: 'bank_qr', reason: null })).toBe('pay.status.bankWaiting');
  });

  it('words every known failure and option reason, and any other code', () => {
    for (const r of [...FAIL_REASONS, 'something_new', null]) {
      expect(lookup(en, failReasonKey(r))).toBeTypeOf('string');
      expect(lookup(zhCN, failReasonKey(r))).toBeTypeOf('string');
    }
    expect(failReasonKey('weird')).toBe('pay.failReason.other');
    // Providers send upper-case codes.
    expect(failReasonKey('DECLINED')).toBe('pay.failReason.declined');
    expect(failReasonKey('INSUFFICIENT_FUNDS')).toBe('pay.failReason.insufficient_funds');
    // The codes the engine stores, from ProviderRefusal, ProviderError kinds and the gateway's reasons.
    expect(failReasonKey('INVALID_CODE')).toBe('pay.failReason.code_invalid');
    expect(failReasonKey('server_error')).toBe('pay.failReason.provider_error');
    expect(failReasonKey('TRADE_EXISTS')).toBe('pay.failReason.provider_error');
    expect(failReasonKey('CLOSED_BY_MERCHANT')).toBe('pay.failReason.closed');
    for (const r of [...OPTION_REASONS, 'new', null]) {
      expect(lookup(en, optionReasonKey(r))).toBeTypeOf('string');
      expect(lookup(zhCN, optionReasonKey(r))).toBeTypeOf('string');
    }
  });
});

describe('isCancelling', () => {
  it('reads a cancel the provider has not confirmed as cancelling, whatever a query said meanwhile', () => {
    expect(isCancelling({ status: 'closing', reason: null })).toBe(true);
    expect(isCancelling({ status: 'unknown', reason: 'cancelled' })).toBe(true);
    expect(isCancelling({ status: 'pending', reason: 'cancelled' })).toBe(true);
    expect(isCancelling({ status: 'unknown', reason: 'expired' })).toBe(true);
    expect(statusKey({ status: 'pending', method: 'qr', reason: 'cancelled' })).toBe('pay.status.closing');
    expect(statusKey({ status: 'unknown', method: 'qr', reason: 'cancelled' })).toBe('pay.status.closing');
  });

  it('leaves open attempts and ended ones alone', () => {
    expect(isCancelling({ status: 'pending', reason: null })).toBe(false);
    expect(isCancelling({ status: 'unknown', reason: 'timeout' })).toBe(false);
    expect(isCancelling({ status: 'cancelled', reason: 'cancelled' })).toBe(false);
    expect(statusKey({ status: 'cancelled', method: 'qr', reason: 'cancelled' })).toBe('pay.status.cancelled');
  });
});

describe('countdown', () => {
  it('formats minutes and seconds, rounding up', () => {
    expect(formatCountdown(120_000)).toBe('2:00');
    expect(formatCountdown(119_001)).toBe('2:00');
    expect(formatCountdown(119_000)).toBe('1:59');
    expect(formatCountdown(5_000)).toBe('0:05');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-3000)).toBe('0:00');
    expect(formatCountdown(720_000)).toBe('12:00');
  });

  it('counts to an ISO time, never below zero', () => {
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    expect(msUntil('2026-01-01T10:02:00.000Z', now)).toBe(120_000);
    expect(msUntil('2026-01-01T09:59:00.000Z', now)).toBe(0);
    expect(msUntil(null, now)).toBeNull();
    expect(msUntil('not a date', now)).toBeNull();
  });
});

describe('isNewerPayment', () => {
  it('never goes back to an older attempt or un-pays a paid one', () => {
    expect(isNewerPayment(null, payment())).toBe(true);
    expect(isNewerPayment(payment({ id: 2 }), payment({ id: 1 }))).toBe(false);
    expect(isNewerPayment(payment({ id: 1 }), payment({ id: 2 }))).toBe(true);
    expect(isNewerPayment(payment({ status: 'paid' }), payment({ status: 'pending' }))).toBe(false);
    expect(isNewerPayment(payment({ status: 'pending' }), payment({ status: 'paid' }))).toBe(true);
    expect(isNewerPayment(payment({ status: 'paid' }), payment({ status: 'refunded' }))).toBe(true);
    expect(isNewerPayment(payment({ status: 'expired' }), payment({ status: 'paid' }))).toBe(true);
  });
});
