import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { DB_FILENAME } from '../db/database';
import { openTestTill, type TestTill } from '../till/testing';
import { VERIFY_USAGE, verifyJournalCli } from './verify-journal';

let till: TestTill | undefined;
afterEach(() => till?.close());

function run(...argv: string[]): { code: number; out: string[] } {
  const out: string[] = [];
  const code = verifyJournalCli(argv, (line) => out.push(line));
  return { code, out };
}

it('verifies a data folder in words, and exits 1 naming the entry once one was changed', async () => {
  till = openTestTill();
  await till.call('catalog.clearDemo', {});
  await till.call('products.save', { barcode: 'TEA-1', name: '绿茶', priceMinor: 350, taxRateBp: 1300 });
  await till.call('cart.scan', { barcode: 'TEA-1', quantity: 1 });
  await till.call('checkout.cash', { tenderedMinor: 500 });
  const { head } = await till.call('journal.verify', {});
  await till.close();
  const dataDir = till.dataDir;

  const clean = run('--data-dir', dataDir, '--expect', head!.short!);
  expect(clean.code).toBe(0);
  expect(clean.out).toContain(`Segment 1 (first, entries 1–${head!.entryId}): verified`);
  expect(clean.out).toContain('Orders: 1 completed (1 lines, 1 payments, 0 refunds), all agree with the journal');
  expect(clean.out.at(-1)).toBe('Verified.');

  // An order's amount edited in the file (the journal untouched): named in words.
  const edit = new Database(path.join(dataDir, DB_FILENAME));
  edit.prepare('UPDATE orders SET total_minor = 100 WHERE total_minor = 350').run();
  const edited = run('--data-dir', dataDir);
  expect(edited.code).toBe(1);
  expect(edited.out.find((l) => l.startsWith('Orders:'))).toMatch(
    /^Orders: 1 completed \(1 lines, 1 payments, 0 refunds\); 1 differ, the first: order T1 \d{4}-\d\d-\d\d #0001: total 100 in the table, 350 in the journal$/,
  );
  edit.prepare('UPDATE orders SET total_minor = 350 WHERE total_minor = 100').run();
  edit.close();

  const db = new Database(path.join(dataDir, DB_FILENAME));
  db.exec('DROP TRIGGER journal_no_update');
  const id = db.prepare("SELECT id FROM journal WHERE kind = 'sale.completed'").pluck().get() as number;
  db.prepare("UPDATE journal SET data = json_set(data, '$.itemCount', 9) WHERE id = ?").run(id);
  db.close();
  const bad = run('--data-dir', dataDir);
  expect(bad.code).toBe(1);
  expect(bad.out).toContain(`Problem: entry ${id} was changed`);
  expect(bad.out.at(-1)).toBe('NOT verified.');

  expect(run('--expect', '12')).toEqual({ code: 1, out: [`--data-dir is required\n${VERIFY_USAGE}`] });
});
