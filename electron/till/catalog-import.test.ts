// A big CSV import never holds the till (issue #7): it works in slices with turns of the event loop between
// them, each slice in its own transaction, and stays all or nothing through its undo log. No test here
// measures time: other calls are shown to be answered before the import by the order things happen in.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/api';
import { openDatabase } from '../db/index';
import { findAssetsDir } from './catalog';
import { seedCsv, seedCsvBarcode } from './seed';
import {
  asInput,
  buildTillScript,
  openTestTill,
  refusal,
  runTillScript,
  type TestTill,
  tempDataDir,
  TEST_OWNER_NAME,
} from './testing';

type Progress = EventPayload<'catalog.importProgress'>;

const tills: TestTill[] = [];
function open(dataDir?: string): TestTill {
  const till = openTestTill(dataDir ? { dataDir } : {});
  tills.push(till);
  return till;
}
afterEach(async () => {
  await Promise.all(tills.splice(0).map((t) => t.close()));
});

/** Every column of every product, in id order. */
function productsTable(till: TestTill): unknown[] {
  return till.db.prepare('SELECT * FROM products ORDER BY id').all();
}

function progressEvents(till: TestTill, kind: Progress['kind']): Progress[] {
  return till.events
    .filter((e) => e.event === 'catalog.importProgress')
    .map((e) => e.payload as Progress)
    .filter((p) => p.kind === kind);
}

/** Runs `act` on the first turn of the event loop when `ready()` holds: between two slices of an import. */
function between(ready: () => boolean, act: () => void): void {
  const tick = () => (ready() ? act() : setImmediate(tick));
  setImmediate(tick);
}

const rowOf = (till: TestTill, k: number) =>
  till.db.prepare('SELECT * FROM products WHERE barcode = ?').get(seedCsvBarcode(k)) as
    | { id: number; price_minor: number }
    | undefined;

describe('a 71,000-row import (4.9 MB, the file of issue #7)', () => {
  const csv = seedCsv(71_000);
  // Not a speed check: the import takes ~8 s on a quiet 2-core machine, several times that on a busy one.
  const BIG_FILE_TIMEOUT = 120_000;

  it(
    'answers other calls while it checks and while it writes, and ends with the search index current',
    async () => {
      const till = open();
      const order: string[] = [];
      const answers: Promise<unknown>[] = [];
      // Each call comes on a later turn of the event loop, the way a browser's request arrives.
      const ask = (label: string, call: () => Promise<unknown>) =>
        setImmediate(() => answers.push(call().then(() => order.push(label))));
      const seen = new Set<string>();
      till.bus.subscribe((e) => {
        if (e.event !== 'catalog.importProgress' || seen.has(e.payload.phase)) return;
        seen.add(e.payload.phase);
        if (e.payload.phase === 'checking') {
          ask('scan answered while checking', () => till.call('cart.scan', { barcode: '2000001000007' }));
        } else if (e.payload.phase === 'writing') {
          order.push('writing started');
          ask('search answered while writing', () => till.call('products.search', { query: 'kl' }));
          ask('app.info answered while writing', () => till.call('app.info', {}));
        }
      });

      const result = await till.call('products.import', { csv });
      order.push('import answered');
      await Promise.all(answers);

      expect(order).toEqual([
        'scan answered while checking',
        'writing started',
        'search answered while writing',
        'app.info answered while writing',
        'import answered',
      ]);
      expect(result).toMatchObject({ created: 71_000, updated: 0, skipped: 0 });
      expect((await till.call('cart.get', {})).lines).toHaveLength(1);
      // The index is current when the import answers: the last imported product is found by its name.
      const found = await till.call('products.search', { query: '070999' });
      expect(found.items.map((p) => p.barcode)).toEqual([seedCsvBarcode(70_999)]);
      expect((await till.call('products.search', { includeInactive: true })).total).toBe(71_000 + 43);
      // The undo log is dropped once the import is done; the journal has one entry for it.
      expect(till.db.prepare('SELECT count(*) FROM catalog_import_undo').pluck().get()).toBe(0);
      expect(till.db.prepare('SELECT status FROM catalog_imports').pluck().all()).toEqual(['done']);
      const journal = till.db.prepare("SELECT data FROM journal WHERE kind = 'catalog.imported'").pluck().all();
      expect(journal.map((d) => JSON.parse(d as string))).toEqual([
        { created: 71_000, updated: 0, skipped: 0, importId: 1, by: { id: expect.any(Number), name: TEST_OWNER_NAME } },
      ]);
    },
    BIG_FILE_TIMEOUT,
  );

  it(
    'is previewed in slices too, and the preview shows 500 of its rows with counts over all of them',
    async () => {
      const till = open();
      const order: string[] = [];
      let answered: Promise<unknown> | undefined;
      till.bus.subscribe((e) => {
        if (e.event !== 'catalog.importProgress' || answered) return;
        answered = new Promise((resolve) => setImmediate(resolve))
          .then(() => till.call('cart.scan', { barcode: '2000001000007' }))
          .then(() => order.push('scan answered'));
      });
      // Two rows with problems near the end are shown whatever else is left out.
      const bad = `${csv}6900000000000,坏条码,,,1.00,,\n6911111111110,,,,1.00,,\n`;
      const preview = await till.call('products.importPreview', { csv: bad });
      order.push('preview answered');
      await answered;

      expect(order).toEqual(['scan answered', 'preview answered']);
      expect(preview).toMatchObject({ creates: 71_000, updates: 0, unchanged: 0, errors: 2 });
      expect(preview.rows).toHaveLength(500);
      expect(preview.rows.slice(0, 2).map((r) => r.line)).toEqual([2, 3]);
      expect(preview.rows.slice(-2).map((r) => [r.line, r.action])).toEqual([
        [71_002, 'error'],
        [71_003, 'error'],
      ]);
      expect(till.db.prepare('SELECT count(*) FROM products').pluck().get()).toBe(43);
    },
    BIG_FILE_TIMEOUT,
  );
});

describe('an import that fails part way', () => {
  it('is undone, slice by slice, leaving every product exactly as it was', async () => {
    const till = open();
    await till.call('products.import', { csv: seedCsv(3000) });
    const before = productsTable(till);
    // Rows 0-2999 change their price, 3000-5999 are new; writing row 5800 fails (a full disk, say), long after
    // the first slices were committed.
    till.db.exec(`CREATE TEMP TRIGGER fail_one BEFORE INSERT ON main.products WHEN NEW.barcode = '${seedCsvBarcode(5800)}'
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const undone = till.next('catalog.changed', (c) => c.reason === 'importUndone');

    const err = await refusal(till.call('products.import', { csv: seedCsv(6000, { priceStep: 1 }) }));

    expect(err.code).toBe('IMPORT_FAILED');
    expect(err.params).toEqual({ line: 5802 });
    expect(err.message).toContain('database or disk is full');
    expect(productsTable(till)).toEqual(before);
    await undone;
    // The slices before the failing one (500 rows at most each) had been committed, and were undone: every
    // update and the new products they wrote.
    const undoing = progressEvents(till, 'import').filter((p) => p.phase === 'undoing');
    const written = undoing[0].total;
    expect(written).toBeGreaterThanOrEqual(5300);
    expect(written).toBeLessThan(5800);
    expect(undoing[0]).toEqual({ kind: 'import', phase: 'undoing', done: 0, total: written });
    expect(undoing.at(-1)).toEqual({ kind: 'import', phase: 'undoing', done: written, total: written });
    const entry = till.db.prepare("SELECT data FROM journal WHERE kind = 'catalog.importRolledBack'").pluck().get();
    expect(JSON.parse(entry as string)).toMatchObject({
      importId: 2,
      restored: 3000,
      removed: written - 3000,
      kept: 0,
    });
    expect(till.db.prepare('SELECT status FROM catalog_imports ORDER BY id').pluck().all()).toEqual([
      'done',
      'rolled_back',
    ]);
    expect(till.db.prepare('SELECT count(*) FROM catalog_import_undo').pluck().get()).toBe(0);

    // The next import is not refused: nothing is left running.
    till.db.exec('DROP TRIGGER temp.fail_one');
    expect(await till.call('products.import', { csv: seedCsv(6000, { priceStep: 1 }) })).toMatchObject({
      created: 3000,
      updated: 3000,
    });
  });

  it('leaves alone the products a cashier changed while it ran', async () => {
    const till = open();
    await till.call('products.import', { csv: seedCsv(3000) });
    const before = productsTable(till) as { id: number }[];
    till.db.exec(`CREATE TEMP TRIGGER fail_one BEFORE INSERT ON main.products WHEN NEW.barcode = '${seedCsvBarcode(5800)}'
      BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const edits: Promise<unknown>[] = [];
    // Between two slices: once the import has updated product 0, and once it has created product 3100.
    const updatedByImport = () => rowOf(till, 0)?.price_minor === 101;
    between(updatedByImport, () =>
      edits.push(
        till
          .call('products.lookup', { barcode: seedCsvBarcode(0) })
          .then((found) => till.call('products.save', { ...asInput(found!), priceMinor: 555 })),
      ),
    );
    between(
      () => rowOf(till, 3100) !== undefined,
      () =>
        edits.push(
          till
            .call('products.lookup', { barcode: seedCsvBarcode(3100) })
            .then((found) => till.call('products.save', { ...asInput(found!), priceMinor: 777 })),
        ),
    );

    expect((await refusal(till.call('products.import', { csv: seedCsv(6000, { priceStep: 1 }) }))).code).toBe(
      'IMPORT_FAILED',
    );
    await Promise.all(edits);

    // The two products keep the cashier's prices; everything else is as before the import.
    expect(rowOf(till, 0)?.price_minor).toBe(555);
    expect(rowOf(till, 3100)?.price_minor).toBe(777);
    const edited = new Set([rowOf(till, 0)!.id, rowOf(till, 3100)!.id]);
    const now = productsTable(till) as { id: number }[];
    expect(now.filter((p) => !edited.has(p.id))).toEqual(before.filter((p) => !edited.has(p.id)));
    expect(now).toHaveLength(before.length + 1);
    const written = progressEvents(till, 'import').find((p) => p.phase === 'undoing')!.total;
    const entry = till.db.prepare("SELECT data FROM journal WHERE kind = 'catalog.importRolledBack'").pluck().get();
    expect(JSON.parse(entry as string)).toMatchObject({
      importId: 2,
      restored: 2999,
      removed: written - 3001,
      kept: 2,
    });
  });
});

describe('a till killed during an import', () => {
  let script: string;
  beforeAll(() => {
    script = buildTillScript(
      'tillpoint-import-crash-',
      `import fs from 'node:fs';
import { createTill } from '@till/till/index.ts';
import { openTestShift, signInTestOwner } from '@till/till/test-staff.ts';
const [dataDir, assetsDir, csvFile] = process.argv.slice(2);
const till = createTill({ dataDir, assetsDir, mode: 'host', version: 'crash' });
signInTestOwner(till);
openTestShift(till);
(async () => {
  if (csvFile) await till.handlers['products.import']({ csv: fs.readFileSync(csvFile, 'utf8') }, { transport: 'http' });
  await till.close();
})();
`,
    );
  });

  /** A data folder with the demo catalog and 2000 imported products; the CSV of a second import. */
  async function prepared() {
    const dataDir = tempDataDir();
    const till = open(dataDir);
    await till.call('products.import', { csv: seedCsv(2000) });
    const before = productsTable(till);
    await till.close();
    // 2000 updates, then 2000 new products.
    const csvFile = path.join(tempDataDir(), 'import.csv');
    fs.writeFileSync(csvFile, seedCsv(4000, { priceStep: 1 }));
    return { dataDir, before, csvFile };
  }

  /** The file as the killed process left it, read without starting a till. */
  function leftBehind(dataDir: string) {
    const db = openDatabase(path.join(dataDir, 'tillpoint.db'));
    try {
      return {
        running: db.prepare("SELECT count(*) FROM catalog_imports WHERE status = 'running'").pluck().get(),
        undo: db.prepare('SELECT count(*) FROM catalog_import_undo').pluck().get() as number,
      };
    } finally {
      db.close();
    }
  }

  it('half way through has, after the restart, the catalog exactly as before the import', async () => {
    const { dataDir, before, csvFile } = await prepared();
    const run = runTillScript(script, [dataDir, findAssetsDir(), csvFile], 'import.halfWritten');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const left = leftBehind(dataDir);
    expect(left.running).toBe(1);
    expect(left.undo).toBeGreaterThanOrEqual(2000);

    const till = open(dataDir);
    expect(productsTable(till)).toEqual(before);
    expect(till.db.prepare('SELECT status FROM catalog_imports ORDER BY id').pluck().all()).toEqual([
      'done',
      'rolled_back',
    ]);
    expect(till.db.prepare('SELECT count(*) FROM catalog_import_undo').pluck().get()).toBe(0);
    // And the same file imports whole now.
    expect(await till.call('products.import', { csv: fs.readFileSync(csvFile, 'utf8') })).toMatchObject({
      created: 2000,
      updated: 2000,
    });
  });

  it('and killed again while the next start undoes it, still ends with the catalog as before', async () => {
    const { dataDir, before, csvFile } = await prepared();
    expect(runTillScript(script, [dataDir, findAssetsDir(), csvFile], 'import.halfWritten').signal).toBe('SIGKILL');
    const undo = leftBehind(dataDir).undo;
    const run = runTillScript(script, [dataDir, findAssetsDir()], 'import.afterUndoSlice');
    expect(run.signal, run.stderr).toBe('SIGKILL');
    const left = leftBehind(dataDir);
    expect(left.running).toBe(1);
    expect(left.undo).toBeGreaterThan(0);
    expect(left.undo).toBeLessThan(undo);

    const till = open(dataDir);
    expect(productsTable(till)).toEqual(before);
  });
});

describe('import progress', () => {
  it('arrives in order, phase by phase, and each phase ends at its total', async () => {
    const till = open();
    const csv = `${seedCsv(3000)}6900000000000,坏条码,,,1.00,,\n`;
    await till.call('products.importPreview', { csv });
    const result = await till.call('products.import', { csv });
    expect(result).toMatchObject({ created: 3000, skipped: 1 });

    const preview = progressEvents(till, 'preview');
    expect(new Set(preview.map((p) => p.phase))).toEqual(new Set(['checking']));
    expect(preview.at(-1)).toEqual({ kind: 'preview', phase: 'checking', done: 3001, total: 3001 });

    const events = progressEvents(till, 'import');
    const phases = events.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1]);
    expect(phases).toEqual(['checking', 'writing']);
    for (const phase of phases) {
      const of = events.filter((p) => p.phase === phase);
      const done = of.map((p) => p.done);
      expect(done).toEqual([...done].sort((a, b) => a - b));
      expect(new Set(of.map((p) => p.total)).size).toBe(1);
      expect(done.at(-1)).toBe(of[0].total);
    }
    // Writing goes through the file's rows again: the one with an error too.
    expect(events.filter((p) => p.phase === 'writing')[0]).toMatchObject({ done: 0, total: 3001 });
  });
});

describe('one import at a time', () => {
  it('refuses a second import and clearing the demo data while one runs; a preview may run beside it', async () => {
    const till = open();
    const first = till.call('products.import', { csv: seedCsv(3000) });
    const second = await refusal(till.call('products.import', { csv: seedCsv(10) }));
    expect(second.code).toBe('IMPORT_RUNNING');
    expect((await refusal(till.call('catalog.clearDemo', {}))).code).toBe('IMPORT_RUNNING');
    expect(await till.call('products.importPreview', { csv: seedCsv(10) })).toMatchObject({ errors: 0 });
    expect(await first).toMatchObject({ created: 3000 });
    // Once it has ended, the next one runs.
    expect(await till.call('products.import', { csv: seedCsv(3010) })).toMatchObject({ created: 10 });
    expect(await till.call('catalog.clearDemo', {})).toEqual({ removedProducts: 43 });
  });

  it('is also what the database allows: a second running import is refused there', () => {
    const till = open();
    const start = till.db.prepare("INSERT INTO catalog_imports (status, started_at) VALUES ('running', '')");
    start.run();
    expect(() => start.run()).toThrow(/UNIQUE/);
  });
});
