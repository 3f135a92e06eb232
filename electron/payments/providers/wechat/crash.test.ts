// Kills a real till process at each named payment crash point while it talks to the WeChat Pay mock, then
// reopens its data with the same mock: the mock lives in this test process, so its trades survive the
// child's death, and the restarted till settles every payment exactly once, agreeing with WeChat's record.
// The child runs asynchronously (the mock must answer it from this event loop).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalCount, type TestTill, tempDataDir, testClock } from '../../../till/testing';
import { walletCrashHarness } from '../../crash-harness';
import { createWechatPayProvider } from './adapter';
import { startWechatPayMock, type WechatPayMock } from './mock';

let mock: WechatPayMock;
const crash = walletCrashHarness({
  prefix: 'tillpoint-wechat-crash-',
  module: 'payments/providers/wechat/index.ts',
  factory: 'createWechatPayProvider',
  create: createWechatPayProvider,
  config: () => mock.config(),
});

beforeAll(async () => {
  mock = await startWechatPayMock();
  crash.build();
});
afterAll(() => mock.stop());
const open = crash.open;

function tradeNumbers(till: TestTill): string[] {
  return till.db.prepare('SELECT trade_number FROM payments ORDER BY id').pluck().all() as string[];
}

/** After the restart: paid once, and WeChat holds exactly 1800 fen for it. */
function expectPaidOnce(dataDir: string, cartId: number) {
  return crash.expectPaidOnce(dataDir, cartId, (tradeNumber) => {
    expect(mock.trades.get(tradeNumber)).toMatchObject({ state: 'SUCCESS', total: 1800 });
  });
}

describe('a till killed during a WeChat QR payment', () => {
  it('at pay.afterProviderCreate (WeChat has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const cart = await crash.cartWithCoffee(dataDir);

    await crash.killAt(dataDir, 'start', 'pay.afterProviderCreate');
    const reader = open(dataDir);
    const [no] = tradeNumbers(reader);
    await reader.close();
    expect(mock.trades.get(no)).toMatchObject({ state: 'NOTPAY', total: 1800 });
    mock.customerPays(no); // while the till is down
    await expectPaidOnce(dataDir, cart.id);
  });

  for (const point of ['pay.afterPaymentPaid', 'pay.beforeCommit'] as const) {
    it(`at ${point} (inside the commit) has it paid exactly once after the restart`, async () => {
      const dataDir = tempDataDir();
      const { seller, cart, payment } = await crash.sellerWithQr(dataDir);
      await seller.close();
      mock.customerPays(payment.tradeNumber);
      await crash.killAt(dataDir, 'check', point, payment.id);
      await expectPaidOnce(dataDir, cart.id);
    });
  }
});

describe('a till killed around other WeChat calls', () => {
  it('at pay.beforeProviderCreate (WeChat never heard of it) ends it expired once its expiry has passed', async () => {
    const dataDir = tempDataDir();
    await crash.cartWithCoffee(dataDir);
    const before = mock.trades.size;
    await crash.killAt(dataDir, 'start', 'pay.beforeProviderCreate');
    expect(mock.trades.size).toBe(before);

    await crash.expectEndedOnce(dataDir, 'expired', testClock(new Date(Date.now() + 200_000)).clock);
  });

  it('at pay.afterProviderClose (closed at WeChat, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const { seller, payment } = await crash.sellerWithQr(dataDir);
    await seller.close();
    await crash.killAt(dataDir, 'cancel', 'pay.afterProviderClose', payment.id);
    expect(mock.trades.get(payment.tradeNumber)!.state).toBe('CLOSED');

    await crash.expectEndedOnce(dataDir, 'cancelled');
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) never applies the payment and refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const { seller, payment } = await crash.sellerWithQr(dataDir);
      // The close cannot be confirmed, the customer pays meanwhile: a late payment.
      mock.failNext('close', { status: 500, code: 'SYSTEM_ERROR' });
      await seller.call('pay.cancel', { paymentId: payment.id });
      await seller.call('pay.abandon', { paymentId: payment.id });
      await seller.call('checkout.cash', { tenderedMinor: 2000 });
      mock.customerPays(payment.tradeNumber);
      await seller.call('pay.check', { paymentId: payment.id });
      expect((await seller.call('attention.list', {}))[0]).toMatchObject({ reason: 'late_payment' });
      await seller.close();

      await crash.killAt(dataDir, 'refund', point, payment.id);

      await crash.expectRefundedOnce(dataDir, payment.id, (till) => {
        const atWechat = [...mock.refunds.values()].filter((r) => r.outTradeNo === payment.tradeNumber);
        expect(atWechat.map((r) => [r.refund, r.status])).toEqual([[1800, 'SUCCESS']]);
        expect(mock.trades.get(payment.tradeNumber)).toMatchObject({ state: 'REFUND', refunded: 1800 });
        expect(journalCount(till, 'sale.completed')).toBe(1); // the cash sale, never the refunded payment
      });
    });
  }
});
