import { describe, expect, it } from 'vitest';
import type { PayLookup } from '../../shared/api';
import type { Payment } from '../../shared/domain';
import { en } from './i18n/en';
import { zhCN } from './i18n/zh-CN';
import { ADVICE_KEYS, adviceOf, LOOKUP_NUMBER, walletKey, whyKey } from './lookupText';

const payment = (p: Partial<Payment>): Payment => ({
  id: 1,
  orderId: 1,
  method: 'qr',
  status: 'pending',
  amountMinor: 1800,
  tenderedMinor: null,
  changeMinor: null,
  staffId: null,
  createdAt: '2026-11-25T01:30:00.000Z',
  provider: 'alipay',
  tradeNumber: 'T1_20261125_000001_abcdefghij',
  providerRef: null,
  qrContent: null,
  expiresAt: null,
  settledAt: null,
  groupId: null,
  confirmedByHand: false,
  maskedCode: null,
  reason: null,
  attention: null,
  refundedMinor: 0,
  isDemo: false,
  ...p,
});

const answer = (r: Partial<PayLookup>): PayLookup => ({
  found: true,
  provider: 'alipay',
  isDemo: false,
  asked: ['alipay'],
  tradeNumber: null,
  providerRef: null,
  status: 'paid',
  amountMinor: 1800,
  paidAt: null,
  ours: null,
  orderNumber: null,
  ...r,
});

describe('adviceOf', () => {
  it('says the sale completed only when our payment is paid and counted', () => {
    expect(adviceOf(answer({ ours: payment({ status: 'paid' }) }))).toEqual({ advice: 'paidSale', check: false });
    expect(adviceOf(answer({ ours: payment({ status: 'paid', attention: 'late_payment' }) })).advice).toBe(
      'paidAttention',
    );
    expect(adviceOf(answer({ ours: payment({ status: 'pending' }) })).advice).toBe('paidOpen');
    expect(adviceOf(answer({ ours: payment({ status: 'pending', reason: 'amount_mismatch' }) })).advice).toBe(
      'paidMismatch',
    );
    expect(adviceOf(answer({ ours: payment({ status: 'refunded' }) })).advice).toBe('paidRefunded');
    expect(adviceOf(answer({ ours: null })).advice).toBe('paidNotOurs');
  });

  it('offers "Check again" (never "mark paid") for money that came after the attempt ended', () => {
    for (const status of ['cancelled', 'expired', 'failed'] as const) {
      expect(adviceOf(answer({ ours: payment({ status }) }))).toEqual({ advice: 'paidEnded', check: true });
    }
  });

  it('tells unpaid, refunded and unknown numbers apart', () => {
    expect(adviceOf(answer({ status: 'waiting' })).advice).toBe('waiting');
    expect(adviceOf(answer({ status: 'user_paying' })).advice).toBe('waiting');
    expect(adviceOf(answer({ status: 'closed' })).advice).toBe('closed');
    expect(adviceOf(answer({ status: 'refunded' })).advice).toBe('refunded');
    expect(adviceOf(answer({ status: 'not_found', ours: payment({}) })).advice).toBe('notFoundOurs');
    expect(adviceOf(answer({ status: 'not_found', provider: null })).advice).toBe('notFound');
    expect(adviceOf(answer({ status: 'not_found', provider: null, asked: [] })).advice).toBe('noneCanAsk');
  });
});

describe('lookup texts', () => {
  it('exist in both languages for every advice, status, wallet and reason', () => {
    for (const m of [en, zhCN]) {
      for (const a of ADVICE_KEYS) expect(m.lookup.advice[a], a).toBeTypeOf('string');
      for (const s of ['paid', 'waiting', 'user_paying', 'closed', 'failed', 'refunded', 'not_found'] as const) {
        expect(m.lookup.status[s], s).toBeTypeOf('string');
      }
      for (const w of ['alipay', 'wechat', 'demo', 'x']) {
        expect(
          walletKey(w)
            .split('.')
            .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], m),
        ).toBeTypeOf('string');
      }
      for (const r of ['unreachable', 'timeout', 'bad_response', 'server_error', 'TRADE_NOT_FOUND']) {
        expect(m.lookup.why[whyKey(r)]).toBeTypeOf('string');
      }
    }
  });
});

describe('LOOKUP_NUMBER', () => {
  it('takes our trade numbers and the wallets’ numbers, nothing else', () => {
    for (const ok of ['T1_20261125_000042_835dk3x9q2', '2026000000000000000000000001', '4200000000000000000000000001'])
      expect(LOOKUP_NUMBER.test(ok), ok).toBe(true);
    for (const bad of ['12345', 'x'.repeat(65), 'abc def', 'abc/def']) expect(LOOKUP_NUMBER.test(bad), bad).toBe(false);
  });
});
