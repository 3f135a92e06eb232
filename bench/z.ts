// The Z report on a busy year (issue #10): 200k orders, 1M lines, their payments and some refunds over 365
// business days (bench/busy-year.ts). The year is closed up to the day before the last; then the last day's
// figures are computed repeatedly (compute only, nothing saved) and its Z is made once, against a baseline
// measured in the same run: a plain count and sum over the same day's orders.
import path from 'node:path';
import { DB_FILENAME } from '../electron/db/index';
import { createTill } from '../electron/till/index';
import { addBusinessDays } from '../shared/business-day';
import { BUSY_YEAR, busyYearIn, localAt } from './busy-year-file';
import { log, median, ms, percentile, removeDir, report, runMain, tempDir, timed } from './common';

const { orders: ORDERS } = BUSY_YEAR;
const ROUNDS = 40;
const TARGET_MS = 50;
const OWNER_PIN = '2468';

runMain(async () => {
  // The generated year is a Chinese shop's (UTC+8, day from 05:00): the till reads days in the same zone.
  process.env.TZ = 'Asia/Shanghai';
  const dir = tempDir('z');
  try {
    // The same year as the verify group's (same options): generated once, into out/bench/.
    const { year, lastDay, genMs, reused } = busyYearIn(path.join(dir, DB_FILENAME));

    const dayBefore = addBusinessDays(lastDay, -1);
    let now = localAt(dayBefore, 23);
    const till = createTill({
      dataDir: dir,
      mode: 'host',
      version: 'bench',
      clock: () => now,
      env: { TILLPOINT_OWNER_PIN: OWNER_PIN },
    });
    try {
      const call = (method: string, input: unknown) =>
        // biome-ignore lint/suspicious/noExplicitAny: the handler map is indexed by a method name
        (till.handlers as any)[method](input, { transport: 'http' });
      await call('staff.unlock', { pin: OWNER_PIN });
      // The year up to the day before the last is closed by one first Z (it covers everything since the first order).
      const [first, firstMs] = timed(() => till.zReports.make({ businessDay: dayBefore, print: false }));
      log(`first Z (${first.businessDay}, ${first.figures.orderCount} orders) in ${ms(firstMs)}`);

      now = localAt(lastDay, 23);
      const range = { from: first.toAt, to: now.toISOString() };
      const baseline = till.db.prepare(
        "SELECT count(*) AS n, sum(total_minor) AS total FROM orders WHERE completed_at >= ? AND completed_at < ? AND till_id = 'T1' AND status = 'completed'",
      );
      const computeMs: number[] = [];
      const baselineMs: number[] = [];
      let orders = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const [f, c] = timed(() => till.zReports.preview(lastDay));
        const [, b] = timed(() => baseline.get(range.from, range.to));
        orders = f.orderCount;
        if (i >= 3) {
          computeMs.push(c);
          baselineMs.push(b);
        }
      }
      const [z, makeMs] = timed(() => till.zReports.make({ print: false }));
      const expect = baseline.get(range.from, z.toAt) as { n: number; total: number };
      const agrees = expect.n === z.figures.orderCount && expect.total === z.figures.salesMinor;

      const p95 = percentile(computeMs, 95);
      report({
        id: 'Z1',
        name: `Z report of the last day on a busy year (${ORDERS / 1000}k orders, ${year.lines / 1_000_000}M lines)`,
        figures:
          `compute median ${ms(median(computeMs))}, p95 ${ms(p95)}; z.make ${ms(makeMs)}; baseline count+sum ` +
          `${ms(median(baselineMs))} (${orders} orders)`,
        target: `<= ${TARGET_MS} ms`,
        pass: p95 <= TARGET_MS && makeMs <= TARGET_MS && agrees,
        note:
          `Compute only (figures, not saved) repeated ${computeMs.length}x after 3 warm-ups; z.make once (saved, journaled, ` +
          `not printed). Figures ${agrees ? 'agree' : 'DISAGREE'} with the baseline's count and sum. Generated in ${ms(genMs)}` +
          `${reused ? ' (by an earlier group or run; copied from out/bench/)' : ''}.`,
        data: {
          computeMedianMs: median(computeMs),
          computeP95Ms: p95,
          makeMs,
          baselineMedianMs: median(baselineMs),
          dayOrders: orders,
          firstZMs: firstMs,
          generateMs: genMs,
        },
      });

      // The accountant's CSV of the last 30 business days (issue #11: reported).
      const monthFrom = addBusinessDays(lastDay, -29);
      const parts: string[] = [];
      let csvMs = 0;
      let bytes = 0;
      for (const kind of ['orders', 'lines', 'payments'] as const) {
        const [file, took] = timed(() => call('reports.exportCsv', { kind, fromDay: monthFrom, toDay: lastDay }));
        csvMs += took;
        bytes += Buffer.byteLength(file.csv);
        parts.push(`${kind} ${file.rows} rows ${ms(took)}`);
      }
      report({
        id: 'X1',
        name: "A month's CSV export (orders, lines, payments; 30 business days)",
        figures: `${ms(csvMs)} for ${(bytes / 1_048_576).toFixed(1)} MB (${parts.join(', ')})`,
        target: 'reported',
        pass: null,
        note: 'reports.exportCsv handler in-process, the whole file built in memory as the API answers it.',
        data: { totalMs: csvMs, bytes },
      });
    } finally {
      await till.close();
    }
  } finally {
    removeDir(dir);
  }
});
