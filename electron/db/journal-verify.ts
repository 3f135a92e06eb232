// "Verify journal": recomputes the HMAC chain segment by segment (journal-chain.ts) and every completed
// order's total and payments from the tables against what the journal recorded. Plain Node, read only: the
// till's API (journal.verify) and `npm run verify-journal` both call it.
import type { Database } from 'better-sqlite3';
import { maskPaymentCodesIn } from '../../shared/payment';
import { priceOrder } from '../../shared/pricing';
import { type ChainedContent, entryMac, keyFingerprint, type SegmentReason } from './journal-chain';

export interface SegmentReport {
  id: number;
  reason: SegmentReason;
  fingerprint: string;
  /** First and last entry of the segment (the first segment of an upgraded install starts at its old rows). */
  from: number;
  to: number;
  /** Its key was at hand and every entry in it checked out. */
  verified: boolean;
  /** Why not, in words. */
  why: string | null;
}

export interface Problem {
  entryId: number;
  why: string;
}

export interface OrderProblem {
  orderId: number;
  number: string;
  why: string;
}

export interface VerifyReport {
  /** Every segment verified, nothing differs, no order disagrees with the journal. */
  ok: boolean;
  entries: number;
  segments: SegmentReport[];
  /** The first entry that differs (changed, missing, or written without the key); null when none. */
  firstBad: Problem | null;
  /** Every chain problem found, in entry order. */
  problems: Problem[];
  orders: { checked: number; firstBad: OrderProblem | null };
  /** The last entry and its mac (`short`: the 16 hex digits a Z prints). */
  head: { entryId: number; mac: string | null; short: string | null } | null;
}

export interface VerifyOptions {
  /** The head recorded earlier: an entry id ("1204") or the first 16+ hex digits of its mac (a Z's). */
  expect?: string;
}

interface Row extends ChainedContent {
  mac: string | null;
  segment: number | null;
}

interface SegmentRow {
  id: number;
  entry_id: number;
  fingerprint: string;
  reason: SegmentReason;
}

interface SegmentState {
  row: SegmentRow;
  key: Buffer | undefined;
  from: number;
  to: number;
  /** Runs of consecutive entries whose mac did not check out. */
  runs: [number, number][];
  other: Problem[];
}

export function verifyJournal(db: Database, keys: Buffer | Buffer[], opts: VerifyOptions = {}): VerifyReport {
  const keyList = Array.isArray(keys) ? keys : [keys];
  const byFingerprint = new Map(keyList.map((k) => [keyFingerprint(k), k]));
  const segRows = db
    .prepare('SELECT id, entry_id, fingerprint, reason FROM journal_segments ORDER BY id')
    .all() as SegmentRow[];
  const segments = new Map<number, SegmentState>(
    segRows.map((row) => [
      row.id,
      { row, key: byFingerprint.get(row.fingerprint), from: row.entry_id, to: row.entry_id, runs: [], other: [] },
    ]),
  );
  const firstSegment = segRows[0] ? segments.get(segRows[0].id) : undefined;
  const problems: Problem[] = [];

  // Rows from before the chain (an upgraded install): folded with every key, the first segment's start
  // entry chains to the fold.
  const prelude = new Map(keyList.map((k) => [k, '']));
  let preludeFrom: number | null = null;
  let chainStarted = false;
  let prevId = 0;
  let prevMac = '';
  let last: Row | undefined;
  let expectFound = false;
  const expectHex = opts.expect && /^[0-9a-f]{16,64}$/i.test(opts.expect) ? opts.expect.toLowerCase() : null;

  const rows = db.prepare('SELECT id, at, kind, order_id, payment_id, data, mac, segment FROM journal ORDER BY id');
  for (const row of rows.iterate() as IterableIterator<Row>) {
    const afterGap = row.id !== prevId + 1;
    if (afterGap) {
      const missing =
        row.id - 1 === prevId + 1
          ? `entry ${prevId + 1} is missing`
          : `entries ${prevId + 1}–${row.id - 1} are missing`;
      problems.push({ entryId: prevId + 1, why: missing });
    }
    prevId = row.id;
    last = row;
    if (expectHex && row.mac?.startsWith(expectHex)) expectFound = true;

    if (row.segment === null) {
      if (!chainStarted) {
        preludeFrom ??= row.id;
        for (const [k, mac] of prelude) prelude.set(k, entryMac(k, mac, row));
      } else {
        problems.push({ entryId: row.id, why: `entry ${row.id} was added without the key (it has no mac)` });
      }
      continue;
    }
    chainStarted = true;
    const seg = segments.get(row.segment);
    if (!seg) {
      problems.push({ entryId: row.id, why: `entry ${row.id} names segment ${row.segment}, which is not recorded` });
      prevMac = row.mac ?? prevMac;
      continue;
    }
    if (row.id === seg.row.entry_id && seg === firstSegment && preludeFrom !== null) seg.from = preludeFrom;
    seg.to = row.id;
    const prev =
      row.id === seg.row.entry_id && seg === firstSegment && seg.key ? (prelude.get(seg.key) ?? '') : prevMac;
    prevMac = row.mac ?? prevMac;
    // The entry after a gap chains to one that is gone: the gap is the finding, not this entry.
    if (!seg.key || afterGap) continue;
    if (row.mac !== entryMac(seg.key, prev, row)) {
      const run = seg.runs.at(-1);
      if (run && run[1] === row.id - 1) run[1] = row.id;
      else seg.runs.push([row.id, row.id]);
    }
  }

  const reports: SegmentReport[] = [];
  for (const [i, { row, key, from, to, runs }] of segRows.map((r, i) => [i, segments.get(r.id)!] as const)) {
    const isLast = i === segRows.length - 1;
    let why: string | null = null;
    if (!key) {
      why = `not checked: its key (fingerprint ${row.fingerprint}) is not at hand`;
      // The till starts a new segment when its key changes, so the last one is always its current key's.
      if (isLast) {
        problems.push({
          entryId: from,
          why: `the chain was rewritten without the key: entries ${from}–${to} are not signed with this till's key`,
        });
      }
    } else if (runs.length && runs[0][0] === row.entry_id && i === 0 && from < row.entry_id) {
      // The first chained entry seals the rows from before the chain: one of those differs.
      why = `an entry among ${from}–${row.entry_id - 1} (written before the chain, sealed by entry ${row.entry_id}) was changed`;
      problems.push({ entryId: from, why });
    } else if (runs.length) {
      const [a, b] = runs[0];
      why =
        b === to && b > a
          ? `the chain was rewritten without the key from entry ${a} on`
          : a === b
            ? `entry ${a} was changed`
            : `entries ${a}–${b} were changed`;
      problems.push({ entryId: a, why });
    }
    reports.push({
      id: row.id,
      reason: row.reason,
      fingerprint: row.fingerprint,
      from,
      to,
      verified: !!key && !runs.length,
      why,
    });
  }
  if (!segRows.length && last) problems.push({ entryId: 1, why: 'the journal is not chained: no segment is recorded' });

  const lastId = last?.id ?? 0;
  if (opts.expect) {
    const expectId = /^\d{1,15}$/.test(opts.expect) ? Number(opts.expect) : null;
    if (expectId !== null && lastId < expectId) {
      problems.push({
        entryId: lastId + 1,
        why: `entries after ${lastId} are missing (the journal reached ${expectId})`,
      });
    } else if (expectHex && !expectFound) {
      problems.push({
        entryId: lastId + 1,
        why: `entries after ${lastId} are missing, or the chain was rewritten: no entry has the head ${expectHex} recorded earlier`,
      });
    } else if (expectId === null && !expectHex) {
      problems.push({
        entryId: lastId + 1,
        why: `--expect ${opts.expect} is neither an entry id nor a head's hex digits`,
      });
    }
  }
  problems.sort((a, b) => a.entryId - b.entryId);

  const orders = verifyOrders(db);
  return {
    ok: !problems.length && reports.every((s) => s.verified) && !orders.firstBad,
    entries: db.prepare('SELECT count(*) FROM journal').pluck().get() as number,
    segments: reports,
    firstBad: problems[0] ?? null,
    problems,
    orders,
    head: last ? { entryId: last.id, mac: last.mac, short: last.mac?.slice(0, 16) ?? null } : null,
  };
}

interface OrderRow {
  id: number;
  number: string;
  order_discount_minor: number;
  total_minor: number;
  item_count: number;
}

/** Every completed order: its lines against its total, and its total and payments against the journal. */
function verifyOrders(db: Database): VerifyReport['orders'] {
  const orders = db
    .prepare(
      "SELECT id, number, order_discount_minor, total_minor, item_count FROM orders WHERE status = 'completed' ORDER BY id",
    )
    .all() as OrderRow[];
  const lines = db.prepare(
    'SELECT unit_price_minor, quantity, line_discount_minor, tax_rate_bp, total_minor FROM order_lines WHERE order_id = ? ORDER BY position',
  );
  // Every entry about an order carries its id (journal_order index): one query per order, payments' too.
  const entries = db.prepare('SELECT kind, payment_id, data FROM journal WHERE order_id = ? ORDER BY id');
  // Money that moved: paid, and paid then refunded (its amount stays what was paid).
  const payments = db.prepare(
    "SELECT id, amount_minor FROM payments WHERE order_id = ? AND status IN ('paid', 'refunded', 'partially_refunded') ORDER BY id",
  );
  const refunds = db.prepare(
    'SELECT r.refund_number, r.payment_id, r.amount_minor FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE p.order_id = ? ORDER BY r.id',
  );
  for (const o of orders) {
    const why = orderProblem(o);
    if (why) return { checked: orders.length, firstBad: { orderId: o.id, number: o.number, why } };
  }
  return { checked: orders.length, firstBad: null };

  function orderProblem(o: OrderRow): string | null {
    const name = `order ${o.number || `#${o.id}`}`;
    const ls = lines.all(o.id) as {
      unit_price_minor: number;
      quantity: number;
      line_discount_minor: number;
      tax_rate_bp: number;
      total_minor: number;
    }[];
    const priced = priceOrder(
      ls.map((l) => ({
        unitPriceMinor: l.unit_price_minor,
        quantity: l.quantity,
        lineDiscountMinor: l.line_discount_minor,
        taxRateBp: l.tax_rate_bp,
      })),
      o.order_discount_minor,
    );
    const stored = ls.reduce((sum, l) => sum + l.total_minor, 0);
    if (priced.totalMinor !== o.total_minor || stored !== o.total_minor) {
      return `${name}: its lines come to ${priced.totalMinor} fen, the order says ${o.total_minor} fen`;
    }
    const journal = (entries.all(o.id) as { kind: string; payment_id: number | null; data: string }[]).map((e) => ({
      kind: e.kind,
      paymentId: e.payment_id,
      data: JSON.parse(e.data) as Record<string, unknown>,
    }));
    const recorded = journal.find((e) => e.kind === 'sale.completed')?.data;
    if (!recorded) return `${name} has no 'sale.completed' entry in the journal`;
    if (recorded.totalMinor !== o.total_minor) {
      return `${name}: the journal recorded ${recorded.totalMinor} fen, the order says ${o.total_minor} fen`;
    }
    if (recorded.itemCount !== undefined && recorded.itemCount !== o.item_count) {
      return `${name}: the journal recorded ${recorded.itemCount} items, the order says ${o.item_count}`;
    }
    for (const p of payments.all(o.id) as { id: number; amount_minor: number }[]) {
      const amounts = journal
        .filter((e) => e.paymentId === p.id && typeof e.data.amountMinor === 'number')
        .map((e) => e.data.amountMinor);
      if (!amounts.length) return `${name}: payment ${p.id} is not in the journal`;
      if (amounts[0] !== p.amount_minor) {
        return `${name}: payment ${p.id} is ${p.amount_minor} fen, the journal recorded ${amounts[0]} fen`;
      }
    }
    for (const r of refunds.all(o.id) as { refund_number: string; payment_id: number; amount_minor: number }[]) {
      const names = [r.refund_number, maskPaymentCodesIn(r.refund_number)];
      const entry = journal.find(
        (e) =>
          e.kind === 'refund.requested' && e.paymentId === r.payment_id && names.includes(String(e.data.refundNumber)),
      );
      if (!entry) return `${name}: refund ${r.refund_number} is not in the journal`;
      const amount = entry.data.amountMinor;
      if (amount !== r.amount_minor) {
        return `${name}: refund ${r.refund_number} is ${r.amount_minor} fen, the journal recorded ${amount} fen`;
      }
    }
    return null;
  }
}
