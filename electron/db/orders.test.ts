// The orders repository changes a row and the object that mirrors it together, so the cart can answer
// from what it holds: these check that the objects always equal the rows read back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { createRepos, type Repos } from './index';

let db: Database.Database;
let repos: Repos;
beforeEach(() => {
  db = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-orders-')), 'tillpoint.db'));
  repos = createRepos(db);
});
afterEach(() => db.close());

const line = {
  productId: null,
  barcode: 'TEA',
  name: '茶',
  nameEn: 'Tea',
  unitPriceMinor: 500,
  quantity: 2,
  taxRateBp: 600,
};

describe('the orders repository', () => {
  it('returns a new draft and a new line exactly as stored', () => {
    const draft = repos.orders.insertDraft('T1', 'HKD', '2026-11-25T01:00:00.000Z');
    expect(draft).toEqual(repos.orders.byId(draft.id));
    const added = repos.orders.insertLine(draft.id, line);
    expect([added]).toEqual(repos.orders.lines(draft.id));
    expect(repos.orders.insertLine(draft.id, line).position).toBe(added.position + 1);
  });

  it('keeps the rows it is given in step with every write', () => {
    const draft = repos.orders.insertDraft('T1', 'CNY', '2026-11-25T01:00:00.000Z');
    const [a, b] = [repos.orders.insertLine(draft.id, line), repos.orders.insertLine(draft.id, line)];
    repos.orders.setLineQuantity(a, 3);
    repos.orders.setLineDiscount(b, 100);
    repos.orders.priceLine(a, {
      grossMinor: 1500,
      lineDiscountMinor: 0,
      orderDiscountShareMinor: 50,
      totalMinor: 1450,
      taxMinor: 82,
    });
    repos.orders.setOrderDiscount(draft, 50);
    repos.orders.markDemo(draft);
    repos.orders.saveTotals(
      draft,
      {
        orderDiscountMinor: 50,
        subtotalMinor: 2500,
        discountMinor: 150,
        totalMinor: 2350,
        taxMinor: 133,
        itemCount: 5,
      },
      '2026-11-25T01:01:00.000Z',
    );
    expect(repos.orders.lines(draft.id)).toEqual([a, b]);
    expect(repos.orders.byId(draft.id)).toEqual(draft);
    expect(repos.orders.draftRevision('T1')).toEqual({ id: draft.id, revision: 1 });

    repos.orders.complete(draft, '0001', '2026-11-25', '2026-11-25T01:02:00.000Z');
    expect(repos.orders.byId(draft.id)).toEqual(draft);
    expect(repos.orders.draftRevision('T1')).toBeUndefined();
    // Only a draft completes.
    expect(() => repos.orders.complete(draft, '0002', '2026-11-25', '2026-11-25T01:03:00.000Z')).toThrow();
  });

  it('returns a payment as stored', () => {
    const draft = repos.orders.insertDraft('T1', 'CNY', '2026-11-25T01:00:00.000Z');
    const payment = repos.payments.insert({
      orderId: draft.id,
      method: 'cash',
      status: 'paid',
      amountMinor: 1000,
      tenderedMinor: 2000,
      changeMinor: 1000,
      staffId: null,
      createdAt: '2026-11-25T01:00:00.000Z',
    });
    expect(repos.payments.forOrder(draft.id)).toEqual([payment]);
  });
});
