// The owners' reports on a busy year (issue #11): 200k orders, 1M lines, their payments and some refunds over 365
// business days (bench/busy-year.ts, the same file as the z and verify groups). R1 the last day's report (with its
// 30-day trend), R2 the whole year's, each against a baseline measured in the same run: a plain count and sum over
// the same orders; R3 the printable report of the last 30 days (server-side SVG charts), reported.
import path from 'node:path';
import { DB_FILENAME } from '../electron/db/index';
import { createTill } from '../electron/till/index';
import { REPORT_LINES_SQL } from '../electron/till/reports';
import { addBusinessDays } from '../shared/business-day';
import type { Report } from '../shared/report';
import { BUSY_YEAR, busyYearIn, localAt } from './busy-year-file';
import { median, ms, percentile, removeDir, report, runMain, tempDir, timed } from './common';

const { orders: ORDERS, days: DAYS, startDay: START_DAY } = BUSY_YEAR;
const DAY_ROUNDS = 40;
const YEAR_ROUNDS = 5;
const WARMUPS = 3;
const DAY_TARGET_MS = 20;
const YEAR_TARGET_MS = 300;
const OWNER_PIN = '2468';

runMain(async () => {
  // The generated year is a Chinese shop's (UTC+8, day from 05:00): the till reads days in the same zone.
  process.env.TZ = 'Asia/Shanghai';
  const dir = tempDir('reports');
  try {
    const { year, lastDay } = busyYearIn(path.join(dir, DB_FILENAME));

    const now = localAt(lastDay, 23);
    const till = createTill({
      dataDir: dir,
      mode: 'host',
      version: 'bench',
      clock: () => now,
      env: { TILLPOINT_OWNER_PIN: OWNER_PIN },
    });
    try {
      const call = <T>(method: string, input: unknown): T =>
        // biome-ignore lint/suspicious/noExplicitAny: the handler map is indexed by a method name
        (till.handlers as any)[method](input, { transport: 'http' });
      await call('staff.unlock', { pin: OWNER_PIN });
      const baseline = till.db.prepare<[string, string], { n: number; total: number }>(
        "SELECT count(*) AS n, sum(total_minor) AS total FROM orders WHERE completed_at >= ? AND completed_at < ? AND till_id = 'T1' AND status = 'completed'",
      );

      /** Rounds of the report and of the baseline over the same instants, warm-ups dropped. */
      const measure = (fromDay: string, toDay: string, rounds: number) => {
        const reportMs: number[] = [];
        const baselineMs: number[] = [];
        let last: Report | undefined;
        // The first call finds no kept pieces (a long range sums every line once and keeps its ended months).
        till.db.exec('DELETE FROM report_pieces');
        let coldMs = 0;
        for (let i = 0; i < rounds + WARMUPS; i++) {
          const [r, took] = timed(() => call<Report>('reports.get', { fromDay, toDay }));
          const [, b] = timed(() => baseline.get(r.fromAt, r.toAt));
          if (i === 0) coldMs = took;
          last = r;
          if (i >= WARMUPS) {
            reportMs.push(took);
            baselineMs.push(b);
          }
        }
        const r = last!;
        const expect = baseline.get(r.fromAt, r.toAt)!;
        const agrees = expect.n === r.totals.orderCount && expect.total === r.totals.salesMinor;
        return { r, reportMs, baselineMs, agrees, coldMs };
      };

      const day = measure(lastDay, lastDay, DAY_ROUNDS);
      const p95 = percentile(day.reportMs, 95);
      report({
        id: 'R1',
        name: `A day's report on a busy year (${ORDERS / 1000}k orders, ${year.lines / 1_000_000}M lines)`,
        figures:
          `median ${ms(median(day.reportMs))}, p95 ${ms(p95)}; baseline count+sum ${ms(median(day.baselineMs))} ` +
          `(${day.r.totals.orderCount} orders, ${day.r.products.length} products)`,
        target: `p95 <= ${DAY_TARGET_MS} ms`,
        pass: p95 <= DAY_TARGET_MS && day.agrees,
        note:
          `reports.get handler in-process, every figure (totals, tax, methods, products, categories, cashiers, hours) ` +
          `and the 30-day trend; ${day.reportMs.length} rounds after ${WARMUPS} warm-ups. Orders and sales ` +
          `${day.agrees ? 'agree' : 'DISAGREE'} with the baseline.`,
        data: {
          medianMs: median(day.reportMs),
          p95Ms: p95,
          baselineMedianMs: median(day.baselineMs),
          orders: day.r.totals.orderCount,
        },
      });

      const yearRun = measure(START_DAY, lastDay, YEAR_ROUNDS);
      const yearMedian = median(yearRun.reportMs);
      // Where the year's time goes: the one grouped pass over the lines alone, and the same join only summed.
      const linesPass = till.db.prepare(REPORT_LINES_SQL);
      const joinOnly = till.db.prepare(
        'SELECT count(*) AS n, sum(l.total_minor) AS total FROM orders o JOIN order_lines l ON l.order_id = o.id' +
          " WHERE o.completed_at >= @from AND o.completed_at < @to AND o.till_id = @tillId AND o.status = 'completed'",
      );
      const yearRange = { tillId: 'T1', from: yearRun.r.fromAt, to: yearRun.r.toAt };
      const linesMs: number[] = [];
      const joinMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        linesMs.push(timed(() => linesPass.all(yearRange))[1]);
        joinMs.push(timed(() => joinOnly.get(yearRange))[1]);
      }
      report({
        id: 'R2',
        name: `The one-year report (${DAYS} business days, ${ORDERS / 1000}k orders, ${year.lines / 1_000_000}M lines)`,
        figures:
          `median ${ms(yearMedian)} (max ${ms(Math.max(...yearRun.reportMs))}) from kept pieces; the first, cold ` +
          `(summing every line once and keeping the ended months and days): ${ms(yearRun.coldMs)}; baseline count+sum ` +
          `${ms(median(yearRun.baselineMs))} (${yearRun.r.totals.orderCount} orders); the grouped lines pass alone ` +
          `${ms(median(linesMs))}, the same join summed without grouping ${ms(median(joinMs))}`,
        target: `median <= ${YEAR_TARGET_MS} ms`,
        pass: yearMedian <= YEAR_TARGET_MS && yearRun.agrees,
        note:
          `reports.get over the whole year ending today (the live part: today), ${yearRun.reportMs.length} rounds after ` +
          `${WARMUPS} warm-ups, the first of which found no kept pieces. Orders and ` +
          `sales ${yearRun.agrees ? 'agree' : 'DISAGREE'} with the baseline.`,
        data: {
          medianMs: yearMedian,
          maxMs: Math.max(...yearRun.reportMs),
          coldMs: yearRun.coldMs,
          baselineMedianMs: median(yearRun.baselineMs),
          linesPassMedianMs: median(linesMs),
          linesJoinOnlyMedianMs: median(joinMs),
          orders: yearRun.r.totals.orderCount,
        },
      });

      const monthFrom = addBusinessDays(lastDay, -29);
      const printMs: number[] = [];
      let bytes = 0;
      for (let i = 0; i < 3; i++) {
        const [page, took] = timed(() =>
          call<{ html: string }>('reports.printable', { fromDay: monthFrom, toDay: lastDay, language: 'zh-CN' }),
        );
        printMs.push(took);
        bytes = Buffer.byteLength(page.html);
      }
      report({
        id: 'R3',
        name: "A month's printable report (30 business days, four SVG charts drawn on the server)",
        figures: `${ms(median(printMs))} median of ${printMs.length} (first ${ms(printMs[0])}), ${(bytes / 1024).toFixed(0)} kB of HTML`,
        target: 'reported',
        pass: null,
        note: 'reports.printable handler in-process: the report, the four ECharts SSR charts, the page.',
        data: { medianMs: median(printMs), firstMs: printMs[0], bytes },
      });
    } finally {
      await till.close();
    }
  } finally {
    removeDir(dir);
  }
});
