import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deriveFromKey, readKeyFile, SECRET_KEY_FILE } from '../core/secrets';
import { openTestTill, type TestTill, testClock } from './testing';
import { DB_FILENAME, openDatabase } from '../db/database';
import { type JournalKind, JournalRepo } from '../db/journal';
import { CHAIN_KEY_INFO, entryMac } from '../db/journal-chain';
import { verifyJournal } from '../db/journal-verify';
import { migrate, migrations } from '../db/migrations';

const clock = testClock(new Date(2026, 11, 4, 9, 30));
let till: TestTill;

/** The chain key the test till derives from its key file (tests keep it in the data folder). */
function chainKey(dataDir: string): Buffer {
  return deriveFromKey(readKeyFile(path.join(dataDir, SECRET_KEY_FILE)), CHAIN_KEY_INFO);
}

async function sell(barcode: string, quantity = 1): Promise<{ id: number; number: string }> {
  await till.call('cart.scan', { barcode, quantity });
  const { order } = await till.call('checkout.cash', { tenderedMinor: 100_000 });
  return { id: order.id, number: order.number };
}

/** The till's database file opened the way an attacker would: directly, triggers dropped. */
function tamper(dataDir: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(dataDir, DB_FILENAME));
  db.exec('DROP TRIGGER journal_no_update; DROP TRIGGER journal_no_delete;');
  db.prepare(sql).run(...params);
  db.close();
}

function verify(dataDir: string, keys: Buffer | Buffer[] = chainKey(dataDir), expect?: string) {
  const db = new Database(path.join(dataDir, DB_FILENAME), { readonly: true });
  try {
    return verifyJournal(db, keys, { expect });
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  till = openTestTill({ clock: clock.clock });
  await till.call('catalog.clearDemo', {});
  await till.call('products.save', { barcode: 'TEA-1', name: '绿茶', priceMinor: 350, taxRateBp: 1300 });
  await till.call('products.save', { barcode: 'CAKE-1', name: '蛋糕', priceMinor: 800, taxRateBp: 600 });
});
afterEach(() => till.close());

describe('the journal chain', () => {
  it('verifies a clean till, and names its head', async () => {
    await sell('TEA-1', 2);
    await sell('CAKE-1');
    const report = await till.call('journal.verify', {});
    expect(report).toMatchObject({ ok: true, firstBad: null, orders: { checked: 2, firstBad: null } });
    expect(report.segments).toEqual([expect.objectContaining({ id: 1, reason: 'first', from: 1, verified: true })]);
    const last = till.db.prepare('SELECT id, mac FROM journal ORDER BY id DESC LIMIT 1').get() as {
      id: number;
      mac: string;
    };
    expect(report.head).toEqual({ entryId: last.id, mac: last.mac, short: last.mac.slice(0, 16) });
    expect(report.segments[0].to).toBe(last.id);
  });

  it('names an order whose amount was edited in the database file', async () => {
    await sell('TEA-1');
    const edited = await sell('CAKE-1', 3);
    await till.close();
    const db = new Database(path.join(till.dataDir, DB_FILENAME));
    db.prepare('UPDATE order_lines SET unit_price_minor = 100, total_minor = 300 WHERE order_id = ?').run(edited.id);
    db.prepare('UPDATE orders SET total_minor = 300, subtotal_minor = 300 WHERE id = ?').run(edited.id);
    db.close();
    const report = verify(till.dataDir);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toBeNull(); // the journal itself is intact
    expect(report.orders.firstBad).toEqual({
      orderId: edited.id,
      number: edited.number,
      why: `order T1 2026-12-04 #${edited.number}: total 300 in the table, 2400 in the journal`,
    });
  });

  it('names an order whose line was edited but not its total', async () => {
    const edited = await sell('CAKE-1', 3);
    await till.close();
    const db = new Database(path.join(till.dataDir, DB_FILENAME));
    db.prepare('UPDATE order_lines SET quantity = 1 WHERE order_id = ?').run(edited.id);
    const lineId = db.prepare('SELECT id FROM order_lines WHERE order_id = ?').pluck().get(edited.id);
    db.close();
    expect(verify(till.dataDir).orders.firstBad?.why).toBe(
      `order T1 2026-12-04 #${edited.number}: line ${lineId}: quantity 1 in the table, 3 in the journal`,
    );
  });

  it('finds the last three entries deleted when given the head recorded earlier', async () => {
    await sell('TEA-1');
    await sell('CAKE-1');
    const before = await till.call('journal.verify', {});
    const head = before.head!;
    await till.close();
    tamper(till.dataDir, 'DELETE FROM journal WHERE id > ?', head.entryId - 3);
    // With the head a Z printed (its 16 hex digits) or the last entry's id, the missing end is found.
    const byHex = verify(till.dataDir, undefined, head.short!);
    expect(byHex.ok).toBe(false);
    expect(byHex.firstBad).toEqual({
      entryId: head.entryId - 2,
      why: `entries after ${head.entryId - 3} are missing, or the chain was rewritten: no entry has the head ${head.short} recorded earlier`,
    });
    const byId = verify(till.dataDir, undefined, String(head.entryId));
    expect(byId.firstBad?.why).toBe(
      `entries after ${head.entryId - 3} are missing (the journal reached ${head.entryId})`,
    );
    // The same head verifies the untouched journal.
    expect(before.ok).toBe(true);
  });

  it('finds entries deleted in the middle', async () => {
    await sell('TEA-1');
    await sell('CAKE-1');
    await till.close();
    tamper(till.dataDir, 'DELETE FROM journal WHERE id IN (4, 5)');
    const report = verify(till.dataDir);
    expect(report.firstBad).toEqual({ entryId: 4, why: 'entries 4–5 are missing' });
  });

  it('names an entry whose data was changed', async () => {
    const sold = await sell('CAKE-1');
    await till.close();
    const db = new Database(path.join(till.dataDir, DB_FILENAME), { readonly: true });
    const entry = db.prepare("SELECT id FROM journal WHERE kind = 'payment.recorded'").pluck().get() as number;
    db.close();
    tamper(till.dataDir, "UPDATE journal SET data = json_set(data, '$.changeMinor', 0) WHERE id = ?", entry);
    const report = verify(till.dataDir);
    expect(report.firstBad).toEqual({ entryId: entry, why: `entry ${entry} was changed` });
    expect(report.segments[0]).toMatchObject({ verified: false, why: `entry ${entry} was changed` });
    expect(report.orders.firstBad).toBeNull();
    expect(sold.number).toBe('0001');
  });

  it('finds the chain rewritten without the key', async () => {
    await sell('TEA-1');
    await till.close();
    const wrong = randomBytes(32);
    const db = new Database(path.join(till.dataDir, DB_FILENAME));
    db.exec('DROP TRIGGER journal_no_update');
    const rows = db
      .prepare('SELECT id, at, kind, order_id, payment_id, data FROM journal ORDER BY id')
      .all() as never[];
    // The attacker changes an entry, then recomputes every mac after it with a key of their own.
    db.prepare("UPDATE journal SET data = json_set(data, '$.tenderedMinor', 1) WHERE kind = 'payment.recorded'").run();
    const changed = db
      .prepare('SELECT id, at, kind, order_id, payment_id, data FROM journal ORDER BY id')
      .all() as never[];
    let mac = '';
    for (const row of changed) {
      mac = entryMac(wrong, mac, row);
      db.prepare('UPDATE journal SET mac = ? WHERE id = ?').run(mac, (row as { id: number }).id);
    }
    db.close();
    const report = verify(till.dataDir);
    expect(report.ok).toBe(false);
    expect(report.firstBad).toEqual({ entryId: 1, why: 'the chain was rewritten without the key from entry 1 on' });
    expect(rows.length).toBe(changed.length);
  });

  it('starts a new segment when the key changes, and both segments verify with their keys', async () => {
    await sell('TEA-1');
    const oldKey = chainKey(till.dataDir);
    await till.close();
    fs.writeFileSync(path.join(till.dataDir, SECRET_KEY_FILE), randomBytes(32).toString('base64'));
    till = openTestTill({ clock: clock.clock, dataDir: till.dataDir });
    await sell('CAKE-1');
    const newKey = chainKey(till.dataDir);
    const started = till.db
      .prepare("SELECT id, data FROM journal WHERE kind = 'journal.segmentStarted' ORDER BY id")
      .all() as { id: number; data: string }[];
    expect(started.map((s) => JSON.parse(s.data).reason)).toEqual(['first', 'key_changed']);

    const both = verify(till.dataDir, [oldKey, newKey]);
    expect(both).toMatchObject({ ok: true, firstBad: null });
    expect(both.segments).toEqual([
      expect.objectContaining({ id: 1, reason: 'first', from: 1, to: started[1].id - 1, verified: true }),
      expect.objectContaining({ id: 2, reason: 'key_changed', from: started[1].id, verified: true }),
    ]);
    // With only today's key: the old segment cannot be checked, which is said, not called tampering.
    const today = await till.call('journal.verify', {});
    expect(today.firstBad).toBeNull();
    expect(today.segments.map((s) => s.verified)).toEqual([false, true]);
    expect(today.segments[0].why).toMatch(/not checked: its key/);
  });

  it('names an order whose refund differs from the journal', async () => {
    const sold = await sell('CAKE-1');
    const repo = new JournalRepo(till.db);
    repo.chainWith(chainKey(till.dataDir), clock.clock().toISOString());
    const at = clock.clock().toISOString();
    const paymentId = till.db.prepare('SELECT id FROM payments WHERE order_id = ?').pluck().get(sold.id) as number;
    till.db
      .prepare(
        "INSERT INTO refunds (refund_number, payment_id, amount_minor, status, created_at, updated_at) VALUES ('T1_R1', ?, 300, 'refunded', ?, ?)",
      )
      .run(paymentId, at, at);
    till.db
      .prepare("UPDATE payments SET status = 'partially_refunded', refunded_minor = 300 WHERE id = ?")
      .run(paymentId);
    // A refund module's entry: the refund row's number, amount and payment, checked when present.
    repo.appendMasked(
      at,
      'refund.made' as JournalKind,
      { orderId: sold.id, paymentId },
      { refundNumber: 'T1_R1', amountMinor: 300, paymentId },
    );
    // The till's own repo finds its head moved by that other writer, re-reads it and chains on.
    await sell('TEA-1');
    expect(await till.call('journal.verify', {})).toMatchObject({ ok: true, orders: { checked: 2 } });
    await till.close();
    const db = new Database(path.join(till.dataDir, DB_FILENAME));
    db.prepare('UPDATE refunds SET amount_minor = 800').run();
    db.close();
    expect(verify(till.dataDir).orders.firstBad?.why).toBe(
      `order T1 2026-12-04 #${sold.number}: refund T1_R1: 800 in the table, 300 in the journal`,
    );
  });

  it('chains past a transaction that rolled back', () => {
    const db = till.db;
    const repo = new JournalRepo(db);
    repo.chainWith(chainKey(till.dataDir), clock.clock().toISOString());
    const at = clock.clock().toISOString();
    expect(() =>
      db.transaction(() => {
        repo.append(at, 'drawer.opened', {}, { why: 'rolled back' });
        throw new Error('no');
      })(),
    ).toThrow('no');
    repo.append(at, 'drawer.opened', {}, { why: 'kept' });
    expect(verifyJournal(db, chainKey(till.dataDir)).firstBad).toBeNull();
  });
});

describe('an upgraded install', () => {
  it('seals the rows written before the chain at its first start, and finds one changed later', async () => {
    await till.close();
    const dataDir = till.dataDir;
    fs.rmSync(path.join(dataDir, DB_FILENAME));
    fs.rmSync(path.join(dataDir, `${DB_FILENAME}-wal`), { force: true });
    fs.rmSync(path.join(dataDir, `${DB_FILENAME}-shm`), { force: true });
    const old = new Database(path.join(dataDir, DB_FILENAME));
    migrate(old, migrations.slice(0, 9));
    const insert = old.prepare("INSERT INTO journal (at, kind, data) VALUES ('2026-01-01T00:00:00.000Z', ?, ?)");
    insert.run('settings.changed', '{"changed":["shopName"]}');
    insert.run('drawer.opened', '{}');
    old.close();
    openDatabase(path.join(dataDir, DB_FILENAME)).close();

    till = openTestTill({ clock: clock.clock, dataDir });
    const report = await till.call('journal.verify', {});
    expect(report).toMatchObject({ ok: true, firstBad: null });
    expect(report.segments[0]).toMatchObject({ reason: 'upgraded', from: 1, verified: true });
    await till.close();
    tamper(dataDir, `UPDATE journal SET data = '{"changed":["currency"]}' WHERE id = 1`);
    expect(verify(dataDir).firstBad).toEqual({
      entryId: 1,
      why: 'an entry among 1–2 (written before the chain, sealed by entry 3) was changed',
    });
  });
});
