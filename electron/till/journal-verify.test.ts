// "Verify journal" against the tables: a day of sales with discounts, split tender, a held and a voided
// cart and a refunded late payment verifies; each change an attacker could make to the database file is
// found and named (the three: an order amount edited, the last three entries deleted, the chain
// rewritten without the key).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedProvider } from '../payments/testing';
import { deriveFromKey, readKeyFile, SECRET_KEY_FILE } from '../core/secrets';
import { openTestTill, refusal, TEST_OWNER_PIN, type TestTill, testClock } from './testing';
import { DB_FILENAME } from '../db/database';
import { CHAIN_KEY_INFO, entryMac } from '../db/journal-chain';
import { type JournalKind, JournalRepo } from '../db/journal';
import { verifyJournal, verifyJournalAsync } from '../db/journal-verify';

const COFFEE = '2000001000007'; // 18.00
const LATTE = '2000002000006'; // 22.00
const DAY = 'T1 2026-11-25';

let till: TestTill;
let provider: ScriptedProvider;
let clock: ReturnType<typeof testClock>;

beforeEach(async () => {
  provider = new ScriptedProvider();
  clock = testClock(new Date(2026, 10, 25, 9, 30));
  till = openTestTill({
    clock: clock.clock,
    payments: { provider, notify: false, engine: { loops: false, sweepWaitMs: 2000 } },
  });
  await till.start();
});
afterEach(() => till.close());

function verify(dataDir = till.dataDir, keys?: Buffer[]) {
  const key = deriveFromKey(readKeyFile(path.join(dataDir, SECRET_KEY_FILE)), CHAIN_KEY_INFO);
  const db = new Database(path.join(dataDir, DB_FILENAME), { readonly: true });
  try {
    return verifyJournal(db, keys ?? [key]);
  } finally {
    db.close();
  }
}

/** The database file opened by a second connection, as anyone with the file could. */
function edit(fn: (db: Database.Database) => void): void {
  const db = new Database(path.join(till.dataDir, DB_FILENAME));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** #0001: cart edits, discounts, part cash and the rest by QR; #0002: held, recalled, cash (a voided cart
 * between); #0003: a QR that expired, paid late and refunded, the order paid in cash. */
async function aDayOfSales(): Promise<{ first: number; refundNumber: string }> {
  let cart = await till.call('cart.scan', { barcode: COFFEE, quantity: 2 });
  cart = await till.call('cart.scan', { barcode: LATTE });
  const [coffee, latte] = cart.lines;
  await till.call('cart.setQuantity', { lineId: coffee.id, quantity: 3 });
  await till.call('cart.removeLine', { lineId: latte.id });
  await till.call('cart.setLineDiscount', { lineId: coffee.id, discountMinor: 100 });
  await till.call('cart.setOrderDiscount', { discountMinor: 50 });
  await till.call('checkout.cashPart', { amountMinor: 800 });
  const qr = await till.call('pay.start', { method: 'qr' });
  provider.pay(qr.payment!.tradeNumber!);
  const paid = await till.call('pay.check', { paymentId: qr.payment!.id });
  expect(paid.order).toMatchObject({ status: 'completed', totalMinor: 5250, number: '0001' });

  const held = await till.call('cart.scan', { barcode: LATTE });
  await till.call('cart.hold', { label: 'table 4' });
  await till.call('cart.scan', { barcode: COFFEE });
  await till.call('cart.void', {});
  await till.call('cart.recall', { orderId: held.id });
  await till.call('checkout.cash', { tenderedMinor: 5000 });

  await till.call('cart.scan', { barcode: COFFEE });
  const { payment } = await till.call('pay.start', { method: 'qr' });
  clock.advance(121_000);
  await till.checkout.step(payment!.id);
  provider.pay(payment!.tradeNumber!);
  await till.call('attention.resolve', { paymentId: payment!.id, action: 'check' });
  await till.call('checkout.cash', { tenderedMinor: 2000 });
  expect(await till.call('attention.resolve', { paymentId: payment!.id, action: 'refund' })).toEqual([]);
  const refundNumber = till.db.prepare('SELECT refund_number FROM refunds').pluck().get() as string;
  return { first: paid.order.id, refundNumber };
}

describe('verify journal, the tables against the journal', () => {
  it('verifies a clean day of sales, payments and a refund, and counts what it compared', async () => {
    await aDayOfSales();
    const report = await till.call('journal.verify', {});
    expect(report).toMatchObject({
      ok: true,
      firstBad: null,
      problems: [],
      orders: { checked: 3, lines: 3, payments: 5, refunds: 1, differing: 0, firstBad: null },
    });
    expect(report.segments.map((s) => s.verified)).toEqual([true]);
  });

  it('names an order whose amount was edited in the database file, triggers untouched', async () => {
    const { first } = await aDayOfSales();
    await till.close();
    edit((db) => db.prepare('UPDATE orders SET total_minor = 3250 WHERE id = ?').run(first));
    const report = verify();
    expect(report.ok).toBe(false);
    expect(report.firstBad).toBeNull(); // the journal itself is intact
    expect(report.orders).toMatchObject({ checked: 3, differing: 1 });
    expect(report.orders.firstBad).toEqual({
      orderId: first,
      number: '0001',
      why: `order ${DAY} #0001: total 3250 in the table, 5250 in the journal`,
    });
  });

  it('names a line, a payment, a refund or an order status edited in the tables', async () => {
    const { first, refundNumber } = await aDayOfSales();
    await till.close();
    const cases: [string, string][] = [
      [
        "UPDATE order_lines SET unit_price_minor = 1000, total_minor = 2650 WHERE order_id = (SELECT id FROM orders WHERE number = '0001')",
        `order ${DAY} #0001: line 1: unit price 1000 in the table, 1800 in the journal`,
      ],
      [
        "UPDATE payments SET amount_minor = 700 WHERE method = 'cash' AND order_id = (SELECT id FROM orders WHERE number = '0001')",
        `order ${DAY} #0001: payment 1: 700 in the table, 800 in the journal`,
      ],
      [
        "UPDATE payments SET status = 'failed' WHERE order_id = (SELECT id FROM orders WHERE number = '0002')",
        `order ${DAY} #0002: payment 3 is failed in the table, paid in the journal`,
      ],
      [
        'UPDATE refunds SET amount_minor = 100',
        `order ${DAY} #0003: refund ${refundNumber}: 100 in the table, 1800 in the journal`,
      ],
      [
        "UPDATE refunds SET status = 'failed'",
        `order ${DAY} #0003: refund ${refundNumber} is failed in the table, refunded in the journal`,
      ],
      [
        "UPDATE payments SET status = 'partially_refunded' WHERE status = 'refunded'",
        `order ${DAY} #0003: payment 4 is partially_refunded in the table, refunded by its refunds`,
      ],
      [
        'DELETE FROM refunds',
        `order ${DAY} #0003: refund ${refundNumber} (1800, refunded) is in the journal, not in the table`,
      ],
      [
        "UPDATE orders SET status = 'voided' WHERE number = '0002'",
        `order ${DAY} #0002 was completed in the journal (entry `,
      ],
    ];
    const file = path.join(till.dataDir, DB_FILENAME);
    const clean = fs.readFileSync(file);
    for (const [sql, why] of cases) {
      edit((db) => db.prepare(sql).run());
      const report = verify();
      expect(report.orders.firstBad?.why.startsWith(why), `${sql}\n${report.orders.firstBad?.why}`).toBe(true);
      expect(report.ok).toBe(false);
      fs.writeFileSync(file, clean); // the next case starts from the clean file
    }
    expect(verify().ok).toBe(true);
    expect(first).toBeGreaterThan(0);
  });

  it('names the order whose last three entries were deleted (triggers dropped, as an attacker would)', async () => {
    await aDayOfSales();
    await till.call('cart.scan', { barcode: LATTE });
    const { order } = await till.call('checkout.cash', { tenderedMinor: 2200 });
    await till.close();
    let deleted: string[] = [];
    edit((db) => {
      deleted = db.prepare('SELECT kind FROM journal ORDER BY id DESC LIMIT 3').pluck().all() as string[];
      db.exec('DROP TRIGGER journal_no_delete');
      db.exec('DELETE FROM journal WHERE id > (SELECT max(id) - 3 FROM journal)');
    });
    expect(deleted).toEqual(['sale.completed', 'payment.recorded', 'cart.lineAdded']);
    const report = verify();
    // The chain up to the new end still holds: it is the tables that show what is gone.
    expect(report.firstBad).toBeNull();
    expect(report.ok).toBe(false);
    expect(report.orders.firstBad).toEqual({
      orderId: order.id,
      number: '0004',
      why: `order ${DAY} #0004: completed in the table, but the journal has no 'sale.completed' entry for it`,
    });
  });

  it('finds the chain rewritten without the key, even when the tables were made to agree', async () => {
    const { first } = await aDayOfSales();
    await till.close();
    let from = 0;
    edit((db) => {
      db.exec('DROP TRIGGER journal_no_update');
      // The attacker lowers #0001's total in the table and in the journal, then re-signs every entry from
      // there on with a key of their own (the till's is sealed).
      db.prepare('UPDATE orders SET total_minor = 3250 WHERE id = ?').run(first);
      db.prepare('UPDATE order_lines SET line_discount_minor = 2100, total_minor = 3250 WHERE order_id = ?').run(first);
      from = db
        .prepare("SELECT id FROM journal WHERE kind = 'sale.completed' AND order_id = ?")
        .pluck()
        .get(first) as number;
      db.prepare("UPDATE journal SET data = json_set(data, '$.totalMinor', 3250) WHERE id = ?").run(from);
      const wrong = randomBytes(32);
      const prev = db
        .prepare('SELECT mac FROM journal WHERE id = ?')
        .pluck()
        .get(from - 1) as string;
      const rows = db
        .prepare('SELECT id, at, kind, order_id, payment_id, data FROM journal WHERE id >= ? ORDER BY id')
        .all(from) as {
        id: number;
        at: string;
        kind: string;
        order_id: number | null;
        payment_id: number | null;
        data: string;
      }[];
      let mac = prev;
      for (const row of rows) {
        mac = entryMac(wrong, mac, row);
        db.prepare('UPDATE journal SET mac = ? WHERE id = ?').run(mac, row.id);
      }
    });
    const report = verify();
    expect(report.ok).toBe(false);
    expect(report.firstBad).toEqual({
      entryId: from,
      why: `the chain was rewritten without the key from entry ${from} on`,
    });
    expect(report.segments[0]).toMatchObject({ verified: false });
  });

  it('checks a refund entry written without an order by its payment', async () => {
    await aDayOfSales();
    const cash = till.db
      .prepare("SELECT id, order_id FROM payments WHERE method = 'cash' ORDER BY id DESC LIMIT 1")
      .get() as { id: number; order_id: number };
    const at = clock.clock().toISOString();
    // Another writer on the till's connection, as a refund module would be: the till chains on after it.
    const journal = new JournalRepo(till.db);
    journal.chainWith(deriveFromKey(readKeyFile(path.join(till.dataDir, SECRET_KEY_FILE)), CHAIN_KEY_INFO), at);
    till.db.transaction(() => {
      till.db
        .prepare(
          "INSERT INTO refunds (refund_number, payment_id, amount_minor, status, created_at, updated_at) VALUES ('T1-R0001', ?, 500, 'refunded', ?, ?)",
        )
        .run(cash.id, at, at);
      till.db
        .prepare("UPDATE payments SET status = 'partially_refunded', refunded_minor = 500 WHERE id = ?")
        .run(cash.id);
      journal.append(
        at,
        'refund.made' as JournalKind,
        { paymentId: cash.id },
        {
          refundNumber: 'T1-R0001',
          amountMinor: 500,
          paymentId: cash.id,
        },
      );
    })();
    expect((await till.call('journal.verify', {})).orders).toMatchObject({ refunds: 2, firstBad: null });
    till.db
      .prepare('UPDATE refunds SET amount_minor = 400, updated_at = ? WHERE refund_number = ?')
      .run(at, 'T1-R0001');
    expect((await till.call('journal.verify', {})).orders.firstBad?.why).toBe(
      `order ${DAY} #0003: refund T1-R0001: 400 in the table, 500 in the journal`,
    );
  });

  it("checks a refund ticket's parts: one from the drawer, one still on its way to a wallet", async () => {
    await aDayOfSales();
    // #0001 was paid 800 in cash and 4450 by QR: a refund by line goes back to both (refunds by line journal
    // one 'refund.made' per ticket, its parts inside, and the payment's move when money went back).
    const [cash, qr] = till.db
      .prepare(
        "SELECT id, order_id FROM payments WHERE order_id = (SELECT id FROM orders WHERE number = '0001') AND status = 'paid' ORDER BY id",
      )
      .all() as { id: number; order_id: number }[];
    const at = clock.clock().toISOString();
    const journal = new JournalRepo(till.db);
    journal.chainWith(deriveFromKey(readKeyFile(path.join(till.dataDir, SECRET_KEY_FILE)), CHAIN_KEY_INFO), at);
    const insert = till.db.prepare(
      'INSERT INTO refunds (refund_number, payment_id, amount_minor, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    till.db.transaction(() => {
      insert.run('T1-R0001-1', cash.id, 300, 'refunded', at, at);
      insert.run('T1R0001QR', qr.id, 1000, 'requested', at, at);
      till.db
        .prepare("UPDATE payments SET status = 'partially_refunded', refunded_minor = 300 WHERE id = ?")
        .run(cash.id);
      journal.append(
        at,
        'refund.made' as JournalKind,
        { orderId: cash.order_id },
        {
          number: 'T1-R0001',
          totalMinor: 1300,
          parts: [
            { refundNumber: 'T1-R0001-1', paymentId: cash.id, amountMinor: 300, fromDrawer: true },
            { refundNumber: 'T1R0001QR', paymentId: qr.id, amountMinor: 1000, fromDrawer: false },
          ],
        },
      );
      journal.append(
        at,
        'payment.partially_refunded',
        { orderId: cash.order_id, paymentId: cash.id },
        {
          from: 'paid',
          to: 'partially_refunded',
          refundedMinor: 300,
          refundNumber: 'T1-R0001-1',
          amountMinor: 300,
        },
      );
    })();
    expect((await till.call('journal.verify', {})).orders).toMatchObject({ refunds: 3, firstBad: null });
    // The wallet part said paid out in the table, with nothing in the journal to say so.
    till.db.prepare("UPDATE refunds SET status = 'refunded' WHERE refund_number = 'T1R0001QR'").run();
    till.db.prepare("UPDATE payments SET status = 'partially_refunded', refunded_minor = 1000 WHERE id = ?").run(qr.id);
    expect((await till.call('journal.verify', {})).orders.firstBad?.why).toBe(
      `order ${DAY} #0001: refund T1R0001QR is refunded in the table, requested in the journal`,
    );
  });

  it("needs the 'reports' permission: a cashier asks the owner, whose approval lasts until the till locks", async () => {
    await till.call('staff.save', { name: '小李', pin: '3579' });
    await till.call('staff.lock', {});
    expect((await refusal(till.call('journal.verify', {}))).code).toBe('NOT_SIGNED_IN');
    await till.call('staff.unlock', { pin: '3579' });
    const refused = await refusal(till.call('journal.verify', {}));
    expect(refused).toMatchObject({ code: 'APPROVAL_NEEDED', params: { action: 'reports' } });
    const { approvalId } = await till.call('staff.approve', { pin: TEST_OWNER_PIN, action: 'reports' });
    expect(await till.call('journal.verify', { approvalId })).toMatchObject({ ok: true });
    // Reports are a screen: the approval serves its calls (5 minutes) until the till locks.
    expect(await till.call('journal.verify', {})).toMatchObject({ ok: true });
    await till.call('staff.lock', {});
    await till.call('staff.unlock', { pin: '3579' });
    expect((await refusal(till.call('journal.verify', { approvalId }))).code).toBe('APPROVAL_NEEDED');
  });

  it('runs in steps on its own snapshot: a sale made meanwhile neither waits nor disturbs it', async () => {
    await aDayOfSales();
    const key = deriveFromKey(readKeyFile(path.join(till.dataDir, SECRET_KEY_FILE)), CHAIN_KEY_INFO);
    const reader = new Database(path.join(till.dataDir, DB_FILENAME), { readonly: true });
    reader.exec('BEGIN');
    let pauses = 0;
    let sold: number | null = null;
    const report = await verifyJournalAsync(reader, [key], { step: 1 }, async () => {
      // Between two steps the till sells, as a cashier would while the owner verifies.
      if (++pauses === 1) {
        await till.call('cart.scan', { barcode: LATTE });
        sold = (await till.call('checkout.cash', { tenderedMinor: 2200 })).order.id;
      }
    });
    reader.close();
    expect(sold).not.toBeNull();
    expect(pauses).toBeGreaterThan(10);
    expect(report).toMatchObject({ ok: true, orders: { checked: 3 } });
    expect(await till.call('journal.verify', {})).toMatchObject({ ok: true, orders: { checked: 4 } });
  });
});
