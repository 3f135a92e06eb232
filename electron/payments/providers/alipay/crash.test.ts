// Kills a real till process at each named payment crash point while it talks to the Alipay mock, which lives
// in this test process (so its trades survive the child's death), then reopens the data with the Alipay
// adapter: the startup sweep settles the payment exactly once, agreeing with what Alipay holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journalCount, tempDataDir, testClock } from '../../../till/testing';
import { walletCrashHarness } from '../../crash-harness';
import { createAlipayProvider } from './adapter';
import { type AlipayMock, startAlipayMock } from './mock';

let mock: AlipayMock;
const crash = walletCrashHarness({
  prefix: 'tillpoint-alipay-crash-',
  module: 'payments/providers/alipay/adapter.ts',
  factory: 'createAlipayProvider',
  create: createAlipayProvider,
  config: () => mock.config(),
  // alipay-sdk and its HTTP clients load from node_modules rather than bundle.
  external: ['alipay-sdk', 'urllib', 'undici'],
});

beforeAll(async () => {
  mock = await startAlipayMock();
  crash.build();
});
afterAll(() => mock.stop());

/** After the restart: paid once, agreeing with Alipay's own record. */
function expectPaidOnce(dataDir: string, cartId: number) {
  return crash.expectPaidOnce(dataDir, cartId, (tradeNumber) => {
    expect(mock.trades.get(tradeNumber)).toMatchObject({ status: 'TRADE_SUCCESS', amountMinor: 1800 });
  });
}

describe('a till killed during an Alipay QR payment', () => {
  it('at pay.afterProviderCreate (Alipay has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const cart = await crash.cartWithCoffee(dataDir);
    const before = mock.trades.size;

    await crash.killAt(dataDir, 'start', 'pay.afterProviderCreate');
    expect(mock.trades.size).toBe(before + 1);
    const trade = [...mock.trades.values()].at(-1)!;
    expect(trade).toMatchObject({ status: 'WAIT_BUYER_PAY', amountMinor: 1800 });
    // The customer pays on their phone while the till is down.
    mock.customerPays(trade.tradeNumber);
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

  it('at pay.afterProviderClose (closed at Alipay, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const { seller, payment } = await crash.sellerWithQr(dataDir);
    await seller.close();

    await crash.killAt(dataDir, 'cancel', 'pay.afterProviderClose', payment.id);
    expect(mock.trades.get(payment.tradeNumber)!.status).toBe('TRADE_CLOSED');

    await crash.expectEndedOnce(dataDir, 'cancelled');
  });

  it('at pay.beforeProviderCreate (Alipay never heard of it) ends it expired once its expiry has passed', async () => {
    const dataDir = tempDataDir();
    await crash.cartWithCoffee(dataDir);
    const before = mock.trades.size;

    await crash.killAt(dataDir, 'start', 'pay.beforeProviderCreate');
    expect(mock.trades.size).toBe(before);

    await crash.expectEndedOnce(dataDir, 'expired', testClock(new Date(Date.now() + 200_000)).clock);
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const { seller, payment } = await crash.sellerWithQr(dataDir);
      mock.systemError({ path: '/v3/alipay/trade/close', every: true });
      await seller.call('pay.cancel', { paymentId: payment.id });
      await seller.call('pay.abandon', { paymentId: payment.id });
      mock.clearFaults();
      mock.customerPays(payment.tradeNumber);
      await seller.call('attention.resolve', { paymentId: payment.id, action: 'check' });
      expect((await seller.call('attention.list', {}))[0]).toMatchObject({ reason: 'late_payment' });
      await seller.close();

      await crash.killAt(dataDir, 'refund', point, payment.id);

      await crash.expectRefundedOnce(dataDir, payment.id, (till) => {
        const trade = mock.trades.get(payment.tradeNumber);
        expect(trade).toMatchObject({ status: 'TRADE_CLOSED', refundedMinor: 1800 });
        expect(trade?.refunds).toHaveLength(1);
        expect(journalCount(till, 'sale.completed')).toBe(0);
      });
    });
  }
});
