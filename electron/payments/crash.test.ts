// Kills a real till process at each named payment crash point and reopens its data with the same
// provider (the scripted one, its trades in a file): the startup sweep settles the payment, exactly once.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { journalCount, tempDataDir, testClock } from '../till/testing';
import { crashHarness } from './crash-harness';
import { ScriptedProvider } from './testing';

const stateFile = (dataDir: string) => path.join(dataDir, 'provider.json');
/** The provider's record, as the child left it. */
const scripted = (dataDir: string) => new ScriptedProvider({ stateFile: stateFile(dataDir) });
const crash = crashHarness({
  prefix: 'tillpoint-pay-crash-',
  child: {
    imports: "import { ScriptedProvider } from '@till/payments/testing.ts';",
    provider: 'new ScriptedProvider({ stateFile: providerFile })',
  },
  providerFile: stateFile,
  provider: scripted,
});
beforeAll(() => crash.build());

/** After the restart: paid once, agreeing with the provider's own record. */
function expectPaidOnce(dataDir: string, cartId: number) {
  return crash.expectPaidOnce(dataDir, cartId, (tradeNumber) => {
    expect(scripted(dataDir).trade(tradeNumber)).toMatchObject({ status: 'paid', amountMinor: 1800 });
  });
}

describe('a till killed during a QR payment', () => {
  it('at pay.afterProviderCreate (the provider has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const cart = await crash.cartWithCoffee(dataDir);

    await crash.killAt(dataDir, 'start', 'pay.afterProviderCreate');
    // The customer pays on their phone while the till is down.
    const provider = scripted(dataDir);
    const [trade] = provider.allTrades();
    expect(trade).toMatchObject({ status: 'waiting', amountMinor: 1800 });
    provider.pay(trade.tradeNumber);

    await expectPaidOnce(dataDir, cart.id);
  });

  for (const point of ['pay.afterPaymentPaid', 'pay.beforeCommit'] as const) {
    it(`at ${point} (inside the commit) has it paid exactly once after the restart`, async () => {
      const dataDir = tempDataDir();
      const { seller, cart, payment } = await crash.sellerWithQr(dataDir);
      await seller.close();
      scripted(dataDir).pay(payment.tradeNumber);

      await crash.killAt(dataDir, 'check', point, payment.id);
      await expectPaidOnce(dataDir, cart.id);
    });
  }
});

describe('a till killed around other provider calls', () => {
  it('at pay.beforeProviderCreate (the provider never heard of the trade) ends it expired once its expiry has passed', async () => {
    const dataDir = tempDataDir();
    await crash.cartWithCoffee(dataDir);

    await crash.killAt(dataDir, 'start', 'pay.beforeProviderCreate');
    expect(scripted(dataDir).allTrades()).toEqual([]);

    // Restarted after the QR's expiry (and grace): "not found" can now be taken as closed.
    await crash.expectEndedOnce(dataDir, 'expired', testClock(new Date(Date.now() + 200_000)).clock);
  });

  it('at pay.afterProviderClose (closed at the provider, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const { seller, payment } = await crash.sellerWithQr(dataDir);
    await seller.close();

    await crash.killAt(dataDir, 'cancel', 'pay.afterProviderClose', payment.id);
    expect(scripted(dataDir).trade(payment.tradeNumber)?.status).toBe('closed');

    await crash.expectEndedOnce(dataDir, 'cancelled');
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) never applies the payment and refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const { seller, payment } = await crash.sellerWithQr(dataDir);
      await seller.call('pay.cancel', { paymentId: payment.id });
      // The customer paid after the close: a late payment, its order still open.
      scripted(dataDir).pay(payment.tradeNumber);
      await seller.call('pay.check', { paymentId: payment.id });
      expect((await seller.call('attention.list', {}))[0].actions).toEqual(['refund', 'apply', 'check']);
      await seller.close();

      await crash.killAt(dataDir, 'refund', point, payment.id);

      await crash.expectRefundedOnce(dataDir, payment.id, (till) => {
        expect(scripted(dataDir).trade(payment.tradeNumber)).toMatchObject({
          status: 'refunded',
          refundedMinor: 1800,
          refunds: [expect.any(String)],
        });
        expect(journalCount(till, 'sale.completed')).toBe(0);
      });
    });
  }
});
