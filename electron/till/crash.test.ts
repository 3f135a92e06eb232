// Kills a real till process at each named crash point (electron/core/crash.ts) and reopens its data:
// a sale must be wholly there or wholly absent, never half-written.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CrashPoint } from '../core/crash';
import { findAssetsDir } from './catalog';
import { buildTillScript, openTestTill, runTillScript, tempDataDir } from './testing';

let script: string;

beforeAll(() => {
  script = buildTillScript(
    'tillpoint-crash-',
    `import { createTill } from '@till/till/index.ts';
import { openTestShift, signInTestOwner } from '@till/till/test-staff.ts';
const [dataDir, assetsDir, action] = process.argv.slice(2);
const till = createTill({ dataDir, assetsDir, mode: 'host', version: 'crash' });
signInTestOwner(till);
openTestShift(till);
const ctx = { transport: 'http' } as const;
if (action === 'scan') till.handlers['cart.scan']({ barcode: '2000002000006', quantity: 1 }, ctx);
else till.handlers['checkout.cash']({ tenderedMinor: 10_000 }, ctx);
till.close();
`,
  );
});

function runTill(dataDir: string, action: 'scan' | 'checkout', crashAt: CrashPoint) {
  return runTillScript(script, [dataDir, findAssetsDir(), action], crashAt);
}

/** A till with one coffee in the cart, closed. */
async function cartWithCoffee(): Promise<{ dataDir: string; cartId: number }> {
  const dataDir = tempDataDir();
  const till = openTestTill({ dataDir });
  const cart = await till.call('cart.scan', { barcode: '2000001000007' });
  till.close();
  return { dataDir, cartId: cart.id };
}

describe('a till killed during a sale', () => {
  for (const point of ['sale.afterOrderUpdate', 'sale.afterPaymentInsert', 'sale.beforeCommit'] as const) {
    it(`at ${point} has no sale after the restart, and the cart is intact`, async () => {
      const { dataDir, cartId } = await cartWithCoffee();
      const run = runTill(dataDir, 'checkout', point);
      expect(run.signal, run.stderr).toBe('SIGKILL');

      const till = openTestTill({ dataDir });
      try {
        const cart = await till.call('cart.get', {});
        expect(cart).toMatchObject({ id: cartId, status: 'draft', number: '', totalMinor: 1800, payments: [] });
        expect(till.db.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(0);
        expect(
          till.db
            .prepare("SELECT count(*) FROM journal WHERE kind LIKE 'sale.%' OR kind LIKE 'payment.%'")
            .pluck()
            .get(),
        ).toBe(0);
        expect(await till.call('orders.today', {})).toEqual([]);
        // And the sale can be made again.
        const { order } = await till.call('checkout.cash', { tenderedMinor: 2000 });
        expect(order).toMatchObject({ id: cartId, number: '0001', status: 'completed' });
      } finally {
        till.close();
      }
    });
  }

  it('after the commit has the whole sale, and a fresh cart', async () => {
    const { dataDir, cartId } = await cartWithCoffee();
    const run = runTill(dataDir, 'checkout', 'sale.afterCommit');
    expect(run.signal, run.stderr).toBe('SIGKILL');

    const till = openTestTill({ dataDir });
    try {
      const [order] = await till.call('orders.today', {});
      expect(order).toMatchObject({ id: cartId, status: 'completed', number: '0001', totalMinor: 1800 });
      expect(order.payments).toEqual([
        expect.objectContaining({ amountMinor: 1800, tenderedMinor: 10_000, changeMinor: 8200 }),
      ]);
      const cart = await till.call('cart.get', {});
      expect(cart).toMatchObject({ status: 'draft', lines: [] });
      expect(cart.id).not.toBe(cartId);
    } finally {
      till.close();
    }
  });
});

describe('a till killed while adding a line', () => {
  it('has the cart as it was before that scan', async () => {
    const { dataDir } = await cartWithCoffee();
    const run = runTill(dataDir, 'scan', 'cart.afterLineInsert');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const till = openTestTill({ dataDir });
    try {
      const cart = await till.call('cart.get', {});
      expect(cart.lines.map((l) => [l.name, l.quantity])).toEqual([['美式咖啡', 1]]);
      expect(cart.totalMinor).toBe(1800);
    } finally {
      till.close();
    }
  });
});
