// "Verify journal" over a busy year (issue #10): 200k completed orders, 1M lines, their payments and refunds
// (bench/busy-year.ts) with the journal the till would have written for them (bench/busy-year-journal.ts),
// chained with a key. Verify reads the file the way `npm run verify-journal` does (its own read-only
// connection), against a baseline measured in the same run: a plain SELECT of every journal row.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DB_FILENAME, openDatabase } from '../electron/db/index';
import { verifyJournal, verifyJournalAsync, verifyOrders } from '../electron/db/journal-verify';
import { BUSY_YEAR, busyYearIn } from './busy-year-file';
import { writeBusyYearJournal } from './busy-year-journal';
import { log, ms, removeDir, report, runMain, tempDir, timed } from './common';

// A smaller year for a quick look: VERIFY_BENCH_ORDERS=20000 npm run bench -- verify
const ORDERS = Number(process.env.VERIFY_BENCH_ORDERS) || BUSY_YEAR.orders;
const { linesPerOrder: LINES_PER_ORDER, days: DAYS, startDay: START_DAY } = BUSY_YEAR;

runMain(async () => {
  const dir = tempDir('verify');
  try {
    const file = path.join(dir, DB_FILENAME);
    const key = randomBytes(32);
    // The same year as the z group's (same options): generated once, into out/bench/.
    const { year, genMs, reused } = busyYearIn(file, {
      orders: ORDERS,
      linesPerOrder: LINES_PER_ORDER,
      days: DAYS,
      startDay: START_DAY,
    });

    const db = openDatabase(file);
    const [written, journalMs] = timed(() => writeBusyYearJournal(db, key));
    log(`journaled ${written.entries} entries for ${written.orders} orders in ${ms(journalMs)}`);
    db.close();

    const ro = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const scan = ro.prepare('SELECT id, at, kind, order_id, payment_id, data, mac, segment FROM journal ORDER BY id');
      const [rows, baselineMs] = timed(() => {
        let n = 0;
        for (const _ of scan.iterate()) n++;
        return n;
      });
      const [result, verifyMs] = timed(() => verifyJournal(ro, [key]));
      const [, ordersMs] = timed(() => verifyOrders(ro));
      const rss = process.memoryUsage().rss;
      const perSecond = Math.round(result.entries / (verifyMs / 1000));
      log(`verify: ${result.ok ? 'OK' : `NOT OK: ${result.firstBad?.why ?? result.orders.firstBad?.why}`}`);
      report({
        id: 'V1',
        name: `Verify journal over a busy year (${year.orders / 1000}k orders, ${year.lines / 1_000_000}M lines, ${result.entries} entries)`,
        figures:
          `verify ${ms(verifyMs)} (${perSecond.toLocaleString('en')} entries/s; the orders' side alone ${ms(ordersMs)}); ` +
          `baseline plain SELECT of the journal ${ms(baselineMs)} (×${(verifyMs / baselineMs).toFixed(1)})`,
        target: 'report it',
        pass: result.ok ? null : false,
        note:
          `${result.ok ? 'Verified' : 'NOT verified'}: chain of ${rows} entries in ${result.segments.length} segment(s), ` +
          `${result.orders.checked} orders, ${result.orders.lines} lines, ${result.orders.payments} payments, ` +
          `${result.orders.refunds} refunds compared. RSS ${Math.round(rss / 1e6)} MB after. ` +
          `Year generated in ${ms(genMs)}${reused ? ' (by an earlier group or run; copied from out/bench/)' : ''}, ` +
          `journaled in ${ms(journalMs)}.`,
        data: {
          verifyMs,
          ordersMs,
          baselineMs,
          entries: result.entries,
          entriesPerSecond: perSecond,
          orders: result.orders.checked,
          rssBytes: rss,
          generateMs: genMs,
          journalMs,
        },
      });
    } finally {
      ro.close();
    }

    // The till's path (Settings → Verify journal): its own snapshot, in steps; how long the till waits at most.
    const reader = new Database(file, { readonly: true, fileMustExist: true });
    try {
      reader.exec('BEGIN');
      let last = performance.now();
      let longest = 0;
      let steps = 0;
      const t0 = performance.now();
      const stepped = await verifyJournalAsync(reader, [key], {}, async () => {
        longest = Math.max(longest, performance.now() - last);
        steps++;
        await new Promise((resolve) => setImmediate(resolve));
        last = performance.now();
      });
      longest = Math.max(longest, performance.now() - last);
      const steppedMs = performance.now() - t0;
      report({
        id: 'V2',
        name: 'Verify journal from Settings over the same year (own snapshot, in steps)',
        figures: `${ms(steppedMs)} in ${steps} steps; the till waits at most ${ms(longest)} at a time`,
        target: 'report it',
        pass: stepped.ok ? null : false,
        note: `${stepped.ok ? 'Verified' : 'NOT verified'}; between steps the event loop runs (the till answers calls).`,
        data: { steppedMs, steps, longestStepMs: longest },
      });
    } finally {
      reader.close();
    }
  } finally {
    removeDir(dir);
  }
});
