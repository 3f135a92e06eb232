// Kills a real till process at each named payment crash point and reopens its data with the same
// provider (the scripted one, its trades in a file): the startup sweep settles the payment, exactly once.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../core/crash';
import { findAssetsDir } from '../till/catalog';
import { buildTillScript, openTestTill, runTillScript, type TestTill, tempDataDir, testClock } from '../till/testing';
import { ScriptedProvider } from './testing';

let script: string;

beforeAll(() => {
  script = buildTillScript(
    'tillpoint-pay-crash-',
    `import { createTill } from '@till/till/index.ts';
import { ScriptedProvider } from '@till/payments/testing.ts';
async function main() {
  const [dataDir, assetsDir, stateFile, action, paymentId] = process.argv.slice(2);
  const provider = new ScriptedProvider({ stateFile });
  const till = createTill({
    dataDir, assetsDir, mode: 'host', version: 'crash',
    payments: { provider, notify: false, engine: { loops: false } },
  });
  await till.start();
  const ctx = { transport: 'http' } as const;
  const id = Number(paymentId);
  if (action === 'start') await till.handlers['pay.start']({ method: 'qr' }, ctx);
  else if (action === 'cancel') await till.handlers['pay.cancel']({ paymentId: id }, ctx);
  else if (action === 'refund') await till.handlers['attention.resolve']({ paymentId: id, action: 'refund' }, ctx);
  else await till.handlers['pay.check']({ paymentId: id }, ctx);
  await till.close();
}
main().catch((err) => { console.error(err); process.exit(3); });
`,
  );
});

type Action = 'start' | 'check' | 'cancel' | 'refund';

function runTill(dataDir: string, stateFile: string, action: Action, crashAt: CrashPoint, id = 0) {
  return runTillScript(script, [dataDir, findAssetsDir(), stateFile, action, String(id)], crashAt);
}

function open(dataDir: string, stateFile: string, clock?: () => Date): TestTill {
  return openTestTill({
    dataDir,
    clock,
    payments: { provider: new ScriptedProvider({ stateFile }), notify: false, engine: { loops: false } },
  });
}

/** After the restart: paid once, the order completed once, agreeing with the provider's own record. */
async function expectPaidOnce(dataDir: string, stateFile: string, cartId: number) {
  const till = open(dataDir, stateFile);
  try {
    await till.start();
    await till.checkout.sweep();
    const rows = till.db.prepare('SELECT status, amount_minor, trade_number FROM payments').all() as {
      status: string;
      amount_minor: number;
      trade_number: string;
    }[];
    expect(rows.map((r) => [r.status, r.amount_minor])).toEqual([['paid', 1800]]);
    const record = new ScriptedProvider({ stateFile }).trade(rows[0].trade_number);
    expect(record).toMatchObject({ status: 'paid', amountMinor: 1800 });
    const count = (kind: string) =>
      till.db.prepare('SELECT count(*) FROM journal WHERE kind = ?').pluck().get(kind) as number;
    expect([count('payment.paid'), count('sale.completed')]).toEqual([1, 1]);
    const [order] = await till.call('orders.today', {});
    expect(order).toMatchObject({ id: cartId, status: 'completed', number: '0001', paidMinor: 1800 });
    expect(await till.call('cart.get', {})).toMatchObject({ lines: [], locked: false });
    expect(await till.call('attention.list', {})).toEqual([]);
  } finally {
    await till.close();
  }
}

describe('a till killed during a QR payment', () => {
  it('at pay.afterProviderCreate (the provider has the trade, our row does not know it) settles it after the restart', async () => {
    const dataDir = tempDataDir();
    const stateFile = path.join(dataDir, 'provider.json');
    const till = open(dataDir, stateFile);
    const cart = await till.call('cart.scan', { barcode: '2000001000007' });
    await till.close();

    const run = runTill(dataDir, stateFile, 'start', 'pay.afterProviderCreate');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    // The customer pays on their phone while the till is down.
    const provider = new ScriptedProvider({ stateFile });
    const [trade] = provider.allTrades();
    expect(trade).toMatchObject({ status: 'waiting', amountMinor: 1800 });
    provider.pay(trade.tradeNumber);

    await expectPaidOnce(dataDir, stateFile, cart.id);
  });

  for (const point of ['pay.afterPaymentPaid', 'pay.beforeCommit'] as const) {
    it(`at ${point} (inside the commit) has it paid exactly once after the restart`, async () => {
      const dataDir = tempDataDir();
      const stateFile = path.join(dataDir, 'provider.json');
      const till = open(dataDir, stateFile);
      await till.start();
      const cart = await till.call('cart.scan', { barcode: '2000001000007' });
      const { payment } = await till.call('pay.start', { method: 'qr' });
      await till.close();
      new ScriptedProvider({ stateFile }).pay(payment!.tradeNumber!);

      const run = runTill(dataDir, stateFile, 'check', point, payment!.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');
      await expectPaidOnce(dataDir, stateFile, cart.id);
    });
  }
});

describe('a till killed around other provider calls', () => {
  const count = (till: TestTill, kind: string) =>
    till.db.prepare('SELECT count(*) FROM journal WHERE kind = ?').pluck().get(kind) as number;

  it('at pay.beforeProviderCreate (the provider never heard of the trade) ends it expired once its expiry has passed', async () => {
    const dataDir = tempDataDir();
    const stateFile = path.join(dataDir, 'provider.json');
    const seller = open(dataDir, stateFile);
    await seller.call('cart.scan', { barcode: '2000001000007' });
    await seller.close();

    const run = runTill(dataDir, stateFile, 'start', 'pay.beforeProviderCreate');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(new ScriptedProvider({ stateFile }).allTrades()).toEqual([]);

    // Restarted after the QR's expiry (and grace): "not found" can now be taken as closed.
    const till = open(dataDir, stateFile, testClock(new Date(Date.now() + 200_000)).clock);
    try {
      await till.start();
      await till.checkout.sweep();
      expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['expired']);
      expect(count(till, 'payment.expired')).toBe(1);
      expect(await till.call('attention.list', {})).toEqual([]);
      expect(await till.call('cart.get', {})).toMatchObject({ number: '0001', locked: false });
      const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
      expect(order).toMatchObject({ status: 'completed', number: '0001', paidMinor: 1800 });
      expect(count(till, 'sale.completed')).toBe(1);
    } finally {
      await till.close();
    }
  });

  it('at pay.afterProviderClose (closed at the provider, our row still closing) ends it cancelled once', async () => {
    const dataDir = tempDataDir();
    const stateFile = path.join(dataDir, 'provider.json');
    const seller = open(dataDir, stateFile);
    await seller.start();
    await seller.call('cart.scan', { barcode: '2000001000007' });
    const { payment } = await seller.call('pay.start', { method: 'qr' });
    await seller.close();

    const run = runTill(dataDir, stateFile, 'cancel', 'pay.afterProviderClose', payment!.id);
    expect(run.signal, run.stderr).toBe('SIGKILL');
    expect(new ScriptedProvider({ stateFile }).trade(payment!.tradeNumber!)!.status).toBe('closed');

    const till = open(dataDir, stateFile);
    try {
      await till.start();
      await till.checkout.sweep();
      expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['cancelled']);
      expect(count(till, 'payment.cancelled')).toBe(1);
      expect(await till.call('attention.list', {})).toEqual([]);
      expect(await till.call('cart.get', {})).toMatchObject({ locked: false, openPaymentId: null });
    } finally {
      await till.close();
    }
  });

  for (const point of ['pay.beforeRefundCall', 'pay.afterRefundCall'] as const) {
    it(`at ${point} (a late payment's refund) never applies the payment and refunds it exactly once`, async () => {
      const dataDir = tempDataDir();
      const stateFile = path.join(dataDir, 'provider.json');
      const seller = open(dataDir, stateFile);
      await seller.start();
      await seller.call('cart.scan', { barcode: '2000001000007' });
      const { payment } = await seller.call('pay.start', { method: 'qr' });
      await seller.call('pay.cancel', { paymentId: payment!.id });
      // The customer paid after the close: a late payment, its order still open.
      new ScriptedProvider({ stateFile }).pay(payment!.tradeNumber!);
      await seller.call('pay.check', { paymentId: payment!.id });
      expect((await seller.call('attention.list', {}))[0].actions).toEqual(['refund', 'apply', 'check']);
      await seller.close();

      const run = runTill(dataDir, stateFile, 'refund', point, payment!.id);
      expect(run.signal, run.stderr).toBe('SIGKILL');

      const till = open(dataDir, stateFile);
      try {
        await till.start();
        const [item] = await till.call('attention.list', {});
        expect(item).toMatchObject({ reason: 'late_payment', actions: ['refund', 'check'] });
        const apply = await till.call('attention.resolve', { paymentId: payment!.id, action: 'apply' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(apply).toMatchObject({ code: 'PAYMENT_STATE' });
        expect(await till.call('attention.resolve', { paymentId: payment!.id, action: 'refund' })).toEqual([]);
        expect(till.db.prepare('SELECT status FROM payments').pluck().all()).toEqual(['refunded']);
        expect(till.db.prepare('SELECT status FROM refunds').pluck().all()).toEqual(['refunded']);
        expect(new ScriptedProvider({ stateFile }).trade(payment!.tradeNumber!)).toMatchObject({
          status: 'refunded',
          refundedMinor: 1800,
          refunds: [expect.any(String)],
        });
        expect(count(till, 'sale.completed')).toBe(0);
      } finally {
        await till.close();
      }
    });
  }
});
