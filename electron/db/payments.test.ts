// The payments repository applies the state machine: each legal move is one guarded UPDATE with its
// journal row; an illegal move, or one from a state the row is no longer in, changes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canTransition, PAYMENT_STATES } from '../../shared/payment';
import { openDatabase } from './database';
import { createRepos, type Repos } from './index';

let db: Database.Database;
let repos: Repos;
beforeEach(() => {
  db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-payments-')), 'tillpoint.db'));
  repos = createRepos(db);
});
afterEach(() => db.close());

const at = '2026-11-25T01:00:00.000Z';
let trade = 0;

/** An attempt in `status`, on an order of its own. */
function attemptIn(status: string): number {
  const orderId = Number(
    db
      .prepare(
        "INSERT INTO orders (till_id, status, currency, created_at, updated_at) VALUES ('T1', 'held', 'CNY', ?, ?)",
      )
      .run(at, at).lastInsertRowid,
  );
  const p = repos.payments.insertAttempt({
    orderId,
    method: 'qr',
    status: 'created',
    amountMinor: 1800,
    provider: 'demo',
    tradeNumber: `T1_20261125_${String(++trade).padStart(6, '0')}_abcd`,
    expiresAt: null,
    maskedCode: null,
    qrContent: null,
    providerRef: null,
    isDemo: true,
    createdAt: at,
  });
  db.prepare('UPDATE payments SET status = ? WHERE id = ?').run(status, p.id);
  return p.id;
}

function journalRows(): number {
  return db.prepare('SELECT count(*) FROM journal').pluck().get() as number;
}

describe('payment transitions', () => {
  for (const from of PAYMENT_STATES) {
    for (const to of PAYMENT_STATES) {
      const legal = canTransition(from, to);
      it(`${from} -> ${to} ${legal ? 'moves, with its journal row' : 'is refused and changes nothing'}`, () => {
        const id = attemptIn(from);
        const before = { row: db.prepare('SELECT * FROM payments WHERE id = ?').get(id), journal: journalRows() };
        if (!legal) {
          expect(() => repos.payments.transition(id, from, to, { reason: 'x' }, { at })).toThrow(/not a legal move/);
          expect(db.prepare('SELECT * FROM payments WHERE id = ?').get(id)).toEqual(before.row);
          expect(journalRows()).toBe(before.journal);
          return;
        }
        const moved = repos.payments.transition(id, from, to, { reason: 'x' }, { at: '2026-11-25T01:05:00.000Z' });
        expect(moved).toMatchObject({ id, status: to, reason: 'x' });
        expect(repos.payments.byId(id)).toEqual(moved);
        const row = db.prepare('SELECT kind, payment_id, data FROM journal ORDER BY id DESC LIMIT 1').get() as {
          kind: string;
          payment_id: number;
          data: string;
        };
        expect(row).toMatchObject({ kind: `payment.${to}`, payment_id: id });
        expect(JSON.parse(row.data)).toMatchObject({ from, to, reason: 'x' });
        // The same move again finds the row no longer in `from` (unless it stays there): nothing happens.
        if (from !== to) {
          const journal = journalRows();
          expect(repos.payments.transition(id, from, to, {}, { at })).toBeNull();
          expect(journalRows()).toBe(journal);
          expect(repos.payments.byId(id)!.status).toBe(to);
        }
      });
    }
  }
});

describe('the payments repository', () => {
  it('masks payment codes in journal data', () => {
    const id = attemptIn('created');
    repos.payments.transition(id, 'created', 'failed', { reason: 'code 281234567890123456 declined' }, { at });
    expect(db.prepare("SELECT data FROM journal WHERE kind = 'payment.failed'").pluck().get()).toContain(
      '2812**********3456',
    );
    expect(repos.payments.byId(id)!.reason).toBe('code 2812**********3456 declined');
    expect(JSON.stringify(db.prepare('SELECT data FROM journal').pluck().all())).not.toContain('281234567890123456');
  });

  it('finds attempts by trade number, the open ones and those needing attention, and counts per till', () => {
    const a = attemptIn('pending');
    const b = attemptIn('expired');
    repos.payments.amend(b, 'expired', { attention: 'late_payment' }, { at, kind: 'payment.attention' });
    expect(repos.payments.byTradeNumber(repos.payments.byId(a)!.tradeNumber!)!.id).toBe(a);
    expect(repos.payments.open().map((p) => p.id)).toEqual([a]);
    expect(repos.payments.needingAttention().map((p) => p.id)).toEqual([b]);
    expect(repos.payments.attentionCount()).toBe(1);
    expect([1, 2, 3].map(() => repos.payments.nextSequence('trade:T1'))).toEqual([1, 2, 3]);
    expect(repos.payments.nextSequence('trade:T2')).toBe(1);
    // An amend guarded by a status the row is not in changes nothing.
    expect(
      repos.payments.amend(a, 'closing', { attention: 'abandoned' }, { at, kind: 'payment.abandoned' }),
    ).toBeNull();
    expect(repos.payments.byId(a)!.attention).toBeNull();
  });
});
