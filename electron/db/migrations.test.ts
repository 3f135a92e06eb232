import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { createRepos } from './index';
import { migrate, migrations, SCHEMA_VERSION, SchemaTooNewError, schemaVersion } from './migrations';

const open: Database.Database[] = [];
function tempFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-db-')), 'tillpoint.db');
}
function raw(file = tempFile()): Database.Database {
  const db = new Database(file);
  open.push(db);
  return db;
}
function columns(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

describe('migration 1', () => {
  it('creates the till tables and columns on an empty database', () => {
    const db = raw();
    migrate(db, migrations.slice(0, 1));
    expect(schemaVersion(db)).toBe(1);
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    expect(tables).toEqual(['journal', 'order_lines', 'orders', 'payments', 'products', 'settings']);
    expect(columns(db, 'products')).toEqual(
      expect.arrayContaining([
        'id',
        'barcode',
        'name',
        'name_en',
        'category',
        'price_minor',
        'tax_rate_bp',
        'active',
        'is_demo',
        'search_text',
      ]),
    );
    expect(columns(db, 'orders')).toEqual(
      expect.arrayContaining([
        'id',
        'till_id',
        'number',
        'status',
        'currency',
        'order_discount_minor',
        'subtotal_minor',
        'discount_minor',
        'total_minor',
        'tax_minor',
        'revision',
        'created_at',
        'held_at',
        'held_label',
        'completed_at',
        'is_demo',
      ]),
    );
    expect(columns(db, 'order_lines')).toEqual(
      expect.arrayContaining([
        'order_id',
        'product_id',
        'barcode',
        'name',
        'name_en',
        'unit_price_minor',
        'quantity',
        'tax_rate_bp',
        'line_discount_minor',
        'order_discount_share_minor',
        'total_minor',
        'tax_minor',
        'position',
      ]),
    );
    expect(columns(db, 'payments')).toEqual(
      expect.arrayContaining([
        'order_id',
        'method',
        'status',
        'amount_minor',
        'tendered_minor',
        'change_minor',
        'staff_id',
        'created_at',
      ]),
    );
    expect(columns(db, 'journal')).toEqual(['id', 'at', 'kind', 'order_id', 'payment_id', 'data']);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['orders_completed_at', 'products_listing', 'orders_one_draft']));
  });

  it('refuses negative money and rewriting the journal', () => {
    const db = raw();
    migrate(db);
    const now = new Date().toISOString();
    expect(() =>
      db
        .prepare(
          "INSERT INTO products (barcode, name, price_minor, created_at, updated_at) VALUES ('1', 'x', -1, ?, ?)",
        )
        .run(now, now),
    ).toThrow(/CHECK/);
    db.prepare("INSERT INTO journal (at, kind) VALUES (?, 'test')").run(now);
    expect(() => db.prepare("UPDATE journal SET kind = 'other'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM journal').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT kind FROM journal').pluck().all()).toEqual(['test']);
  });

  it('keeps one draft per till', () => {
    const db = raw();
    migrate(db);
    const insert = db.prepare(
      "INSERT INTO orders (till_id, status, currency, created_at, updated_at) VALUES ('T1', 'draft', 'CNY', '', '')",
    );
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE/);
  });
});

describe('migration 2', () => {
  const sale = (db: Database.Database, day: string, number: string) =>
    db
      .prepare(
        'INSERT INTO orders (till_id, number, business_day, status, currency, created_at, updated_at, completed_at)' +
          " VALUES ('T1', ?, ?, 'completed', 'CNY', '', '', ?)",
      )
      .run(number, day, `${day}T10:00:00.000Z`);

  it('keeps the numbers a version-1 till gave, and numbering goes on from them', () => {
    const file = tempFile();
    const v1 = raw(file);
    migrate(v1, migrations.slice(0, 1));
    sale(v1, '2026-11-25', '0001');
    sale(v1, '2026-11-25', '0002');
    sale(v1, '2026-11-24', '0007');
    v1.close();

    const db = openDatabase(file);
    open.push(db);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const repos = createRepos(db);
    expect(repos.orders.nextNumber('T1', '2026-11-25')).toBe('0003');
    expect(repos.orders.nextNumber('T1', '2026-11-24')).toBe('0008');
    expect(repos.orders.nextNumber('T1', '2026-11-26')).toBe('0001');
    expect(repos.orders.nextNumber('T2', '2026-11-25')).toBe('0001');
  });

  it('still refuses a number twice in a till and day, and counts past 9999 by value', () => {
    const db = openDatabase(tempFile());
    open.push(db);
    sale(db, '2026-11-25', '9999');
    expect(() => sale(db, '2026-11-25', '9999')).toThrow(/UNIQUE/);
    expect(createRepos(db).orders.nextNumber('T1', '2026-11-25')).toBe('10000');
    sale(db, '2026-11-25', '10000');
    expect(createRepos(db).orders.nextNumber('T1', '2026-11-25')).toBe('10001');
  });

  it("finds the day's last number in the index, not by reading the day's orders", () => {
    const db = raw();
    migrate(db, migrations.slice(0, 2));
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT max(CAST(number AS INTEGER)) FROM orders' +
          " WHERE till_id = ? AND business_day = ? AND status = 'completed'",
      )
      .all('T1', '2026-11-25') as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/USING INDEX orders_day_number/);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all();
    expect(indexes).not.toContain('orders_number');
  });
});

describe('migration 3', () => {
  const now = '2026-11-25T10:00:00.000Z';
  const order = (db: Database.Database, status = 'draft', number = '', day: string | null = null) =>
    Number(
      db
        .prepare(
          'INSERT INTO orders (till_id, number, business_day, status, currency, created_at, updated_at)' +
            " VALUES ('T1', ?, ?, ?, 'CNY', ?, ?)",
        )
        .run(number, day, status, now, now).lastInsertRowid,
    );
  const attempt = (
    db: Database.Database,
    orderId: number,
    status: string,
    trade: string | null,
    method = 'qr',
    provider: string | null = null,
  ) =>
    db
      .prepare(
        'INSERT INTO payments (order_id, method, status, amount_minor, trade_number, provider, created_at,' +
          ' updated_at) VALUES (?, ?, ?, 100, ?, ?, ?, ?)',
      )
      .run(orderId, method, status, trade, provider, now, now);

  it('keeps a version-2 till cash payments and gives them the new columns', () => {
    const file = tempFile();
    const v2 = raw(file);
    migrate(v2, migrations.slice(0, 2));
    const id = order(v2, 'completed', '0001', '2026-11-25');
    v2.prepare(
      "INSERT INTO payments (order_id, method, status, amount_minor, tendered_minor, change_minor, created_at) VALUES (?, 'cash', 'paid', 1800, 2000, 200, ?)",
    ).run(id, now);
    v2.close();

    const db = openDatabase(file);
    open.push(db);
    const [p] = createRepos(db).payments.forOrder(id);
    expect(p).toMatchObject({
      method: 'cash',
      status: 'paid',
      amountMinor: 1800,
      tenderedMinor: 2000,
      changeMinor: 200,
      tradeNumber: null,
      attention: null,
      refundedMinor: 0,
      confirmedByHand: false,
      isDemo: false,
    });
    expect(columns(db, 'payments')).toEqual(
      expect.arrayContaining(['provider', 'trade_number', 'masked_code', 'attention', 'refunded_minor', 'updated_at']),
    );
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['refunds', 'sequences']));
  });

  it('refuses unknown states and methods, a trade number twice, and a second open trade of one wallet and method for an order', () => {
    const db = openDatabase(tempFile());
    open.push(db);
    const id = order(db);
    expect(() => attempt(db, id, 'settled', 'T1_A')).toThrow(/CHECK/);
    expect(() => attempt(db, id, 'pending', 'T1_A', 'card')).toThrow(/CHECK/);
    expect(() => attempt(db, id, 'pending', null)).toThrow(/CHECK/);
    attempt(db, id, 'pending', 'T1_A');
    expect(() => attempt(db, order(db, 'held'), 'failed', 'T1_A')).toThrow(/UNIQUE/);
    expect(() => attempt(db, id, 'unknown', 'T1_B')).toThrow(/UNIQUE/);
    // Ended attempts do not count: a new trade may follow them.
    attempt(db, id, 'cancelled', 'T1_C');
    attempt(db, id, 'failed', 'T1_D');
    // Migration 6: one open trade per wallet and method, so two wallets' QRs show side by side, and a payment
    // code may be charged while a QR of the same wallet is still being closed.
    const both = order(db, 'held', '0002');
    attempt(db, both, 'pending', 'T1_E', 'qr', 'alipay');
    attempt(db, both, 'pending', 'T1_F', 'qr', 'wechat');
    attempt(db, both, 'created', 'T1_G', 'payment_code', 'alipay');
    expect(() => attempt(db, both, 'closing', 'T1_H', 'qr', 'alipay')).toThrow(/UNIQUE/);
  });

  it('never gives a number twice in a day, counting numbers reserved by open orders', () => {
    const db = openDatabase(tempFile());
    open.push(db);
    const orders = createRepos(db).orders;
    const day = '2026-11-25';
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const row = orders.insertDraft('T1', 'CNY', now);
      const number = orders.nextNumber('T1', day);
      expect(seen.has(number)).toBe(false);
      seen.add(number);
      // Every other order reserves its number and is voided or held, the rest complete.
      if (i % 2) {
        orders.reserveNumber(row, number, day, now);
        if (i % 3) orders.void(row.id, now);
        else orders.hold(row.id, null, now);
      } else orders.complete(row, number, day, now);
    }
    expect([...seen]).toEqual(['0001', '0002', '0003', '0004', '0005', '0006']);
    expect(() => order(db, 'voided', '0004', day)).toThrow(/UNIQUE/);
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT max(CAST(number AS INTEGER)) FROM orders' +
          " WHERE till_id = ? AND business_day = ? AND number <> ''",
      )
      .all('T1', day) as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toMatch(/USING INDEX orders_day_number/);
  });
});

describe('migration 4', () => {
  /** A till's journal with two entries, and the statements that would change or remove one of them. */
  function journal(version = migrations.length) {
    const db = raw();
    migrate(db, migrations.slice(0, version));
    const now = '2026-12-04T10:00:00.000Z';
    db.prepare("INSERT INTO journal (at, kind, data) VALUES (?, 'sale.completed', '{\"totalMinor\":1200}')").run(now);
    db.prepare("INSERT INTO journal (at, kind) VALUES (?, 'cart.voided')").run(now);
    const rows = () => db.prepare('SELECT id, at, kind, order_id, payment_id, data FROM journal ORDER BY id').all();
    return { db, rows, before: rows() };
  }
  const REWRITES: [string, string][] = [
    ['UPDATE', 'UPDATE journal SET data = \'{"totalMinor":1}\' WHERE id = 1'],
    ['UPDATE OR REPLACE', "UPDATE OR REPLACE journal SET kind = 'x' WHERE id = 1"],
    ['UPDATE of the id', 'UPDATE journal SET id = 99 WHERE id = 1'],
    ['DELETE', 'DELETE FROM journal WHERE id = 1'],
    ['DELETE all', 'DELETE FROM journal'],
    ['INSERT OR REPLACE', "INSERT OR REPLACE INTO journal (id, at, kind) VALUES (1, 'x', 'forged')"],
    ['REPLACE INTO', "REPLACE INTO journal (id, at, kind) VALUES (1, 'x', 'forged')"],
    [
      'UPSERT',
      "INSERT INTO journal (id, at, kind) VALUES (1, 'x', 'forged') ON CONFLICT (id) DO UPDATE SET kind = excluded.kind",
    ],
    [
      'REPLACE copying another entry over it',
      'INSERT OR REPLACE INTO journal (id, at, kind, order_id, payment_id, data) SELECT 1, at, kind, order_id, payment_id, data FROM journal WHERE id = 2',
    ],
  ];

  it.each(REWRITES)('refuses %s and leaves every journal row as it was', (_name, sql) => {
    const { db, rows, before } = journal();
    expect(() => db.exec(sql)).toThrow(/append-only/);
    expect(rows()).toEqual(before);
  });

  it('was needed: before it, INSERT OR REPLACE rewrote an entry without a word', () => {
    const { db, rows, before } = journal(3);
    db.exec("INSERT OR REPLACE INTO journal (id, at, kind) VALUES (1, 'x', 'forged')");
    expect(rows()).not.toEqual(before);
  });

  it('still appends new entries, with or without an id of their own', () => {
    const { db, rows, before } = journal();
    db.prepare("INSERT INTO journal (at, kind) VALUES ('t', 'next')").run();
    db.prepare("INSERT INTO journal (id, at, kind) VALUES (10, 't', 'numbered')").run();
    expect(rows().slice(0, 2)).toEqual(before);
    expect(db.prepare('SELECT id, kind FROM journal WHERE id > 2 ORDER BY id').all()).toEqual([
      { id: 3, kind: 'next' },
      { id: 10, kind: 'numbered' },
    ]);
  });
});

describe('migration 8', () => {
  it('keeps a version-8 catalog and cart: products sold by the piece, lines with no weight', () => {
    const db = raw();
    migrate(db, migrations.slice(0, 8));
    const now = '2026-12-04T10:00:00.000Z';
    db.prepare(
      'INSERT INTO products (barcode, name, name_en, category, price_minor, tax_rate_bp, active, is_demo,' +
        " search_text, sort_key, created_at, updated_at) VALUES ('00123', '苹果', '', '', 1280, 0, 1, 0, '', '', ?, ?)",
    ).run(now, now);
    db.prepare(
      "INSERT INTO orders (till_id, status, currency, created_at, updated_at) VALUES ('T1', 'draft', 'CNY', ?, ?)",
    ).run(now, now);
    db.prepare(
      'INSERT INTO order_lines (order_id, product_id, barcode, name, name_en, unit_price_minor, quantity,' +
        " tax_rate_bp, gross_minor, total_minor, position) VALUES (1, 1, '00123', '苹果', '', 1280, 1, 0, 1280, 1280, 1)",
    ).run();
    migrate(db);
    expect(db.prepare('SELECT sold_by_weight FROM products').pluck().get()).toBe(0);
    expect(db.prepare('SELECT weight_g FROM order_lines').pluck().get()).toBeNull();
    expect(() => db.exec('UPDATE products SET sold_by_weight = 2')).toThrow(/CHECK/);
    expect(() => db.exec('UPDATE order_lines SET weight_g = 0')).toThrow(/CHECK/);
    db.exec('UPDATE order_lines SET weight_g = 512');
  });
});

describe('migrate', () => {
  it('applies every migration once and is a no-op on an up-to-date database', () => {
    const file = tempFile();
    const db = raw(file);
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', '1')").run();
    expect(migrate(db)).toBe(SCHEMA_VERSION);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare('SELECT value FROM settings').pluck().get()).toBe('1');
  });

  it('rolls a failing migration back whole, leaving the previous version', () => {
    const db = raw();
    const failing = [
      ...migrations,
      (d: Database.Database) => {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    ];
    expect(() => migrate(db, failing)).toThrow('boom');
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
  });

  it('refuses a database written by a newer Tillpoint, with a message that says what to do', () => {
    const file = tempFile();
    const db = raw(file);
    migrate(db);
    db.pragma(`user_version = ${SCHEMA_VERSION + 3}`);
    db.close();
    const attempt = () => openDatabase(file);
    expect(attempt).toThrow(SchemaTooNewError);
    expect(attempt).toThrow(
      `This data was written by a newer Tillpoint (schema ${SCHEMA_VERSION + 3}); this version knows up to ${SCHEMA_VERSION}. Update Tillpoint or open another data folder.`,
    );
    // Nothing was changed by the refused open.
    const after = raw(file);
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION + 3);
  });

  it('opens with WAL, foreign keys and synchronous=FULL (a power cut keeps every commit)', () => {
    const db = openDatabase(tempFile());
    open.push(db);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });
});
