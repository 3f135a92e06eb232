// "Verify journal": recomputes the HMAC chain segment by segment (journal-chain.ts), then every completed
// order from the tables against what the journal recorded (its completion, its cart replayed line by line,
// its payments and refunds), naming the first entry and the first order that differ. Plain Node, read only:
// the till's API (journal.verify, on its own snapshot in steps) and `npm run verify-journal` both call it.
// Streams: the journal is read twice (in id order for the chain; by order through its index for the orders,
// beside the orders, lines, payments and refunds, each read once sorted by order id), so memory stays flat.
import BetterSqlite3, { type Database } from 'better-sqlite3';
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

export interface OrdersReport {
  /** Completed orders compared, and their lines, payments and refunds read from the tables. */
  checked: number;
  lines: number;
  payments: number;
  refunds: number;
  /** Orders that differ from the journal; the first (lowest id) is named. */
  differing: number;
  firstBad: OrderProblem | null;
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
  orders: OrdersReport;
  /** The last entry and its mac (`short`: the 16 hex digits a Z prints). */
  head: { entryId: number; mac: string | null; short: string | null } | null;
}

export interface VerifyOptions {
  /** The head recorded earlier: an entry id ("1204") or the first 16+ hex digits of its mac (a Z's). */
  expect?: string;
  /** Rows read between two pauses of the asynchronous check (verifyJournalAsync); default 2000. */
  step?: number;
}

/** Pauses of the asynchronous check: one per `step` rows read. */
type Steps<T> = Generator<void, T, void>;

function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
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

/** The whole check at once (the CLI, tests). */
export function verifyJournal(db: Database, keys: Buffer | Buffer[], opts: VerifyOptions = {}): VerifyReport {
  return runSteps(verifySteps(db, keys, opts));
}

/** The same check, pausing for the event loop every `opts.step` rows: a year takes a while, the till keeps working. */
export async function verifyJournalAsync(
  db: Database,
  keys: Buffer | Buffer[],
  opts: VerifyOptions = {},
  pause: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve)),
): Promise<VerifyReport> {
  const steps = verifySteps(db, keys, opts);
  try {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await pause();
    }
  } finally {
    steps.return(undefined as never);
  }
}

/**
 * The till's "Verify journal": its own read-only connection on the till's file, one read transaction (WAL:
 * a snapshot; sales go on beside it), pausing between steps so the till answers meanwhile.
 */
export async function verifyJournalFile(file: string, keys: Buffer[], opts: VerifyOptions = {}): Promise<VerifyReport> {
  const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    reader.exec('BEGIN');
    return await verifyJournalAsync(reader, keys, opts);
  } finally {
    reader.close();
  }
}

function* verifySteps(db: Database, keys: Buffer | Buffer[], opts: VerifyOptions): Steps<VerifyReport> {
  const step = opts.step ?? 2000;
  let read = 0;
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
  const loose: LooseRefunds = new Map();

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
    if (++read % step === 0) yield;
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
    if (row.order_id === null && row.payment_id !== null && row.kind.startsWith('refund.')) {
      const list = loose.get(row.payment_id) ?? [];
      list.push({ ...row, order_id: 0, payment_id: row.payment_id });
      loose.set(row.payment_id, list);
    }
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

  const orders = yield* ordersSteps(db, loose, step);
  return {
    ok: !problems.length && reports.every((s) => s.verified) && !orders.firstBad,
    entries: read, // every row the chain pass read (a count(*) would be one more pass)
    segments: reports,
    firstBad: problems[0] ?? null,
    problems,
    orders,
    head: last ? { entryId: last.id, mac: last.mac, short: last.mac?.slice(0, 16) ?? null } : null,
  };
}

/** Money moved: paid, and paid then refunded (a payment never leaves these once in one). */
const MOVED = new Set(['paid', 'partially_refunded', 'refunded']);

interface OrderRow {
  id: number;
  till_id: string;
  number: string;
  business_day: string | null;
  order_discount_minor: number;
  total_minor: number;
  tax_minor: number;
  item_count: number;
}

interface LineRow {
  order_id: number;
  id: number;
  unit_price_minor: number;
  quantity: number;
  line_discount_minor: number;
  tax_rate_bp: number;
  total_minor: number;
}

interface PaymentRow {
  order_id: number;
  id: number;
  method: string;
  status: string;
  amount_minor: number;
  refunded_minor: number;
}

interface RefundRow {
  order_id: number;
  refund_number: string;
  payment_id: number;
  amount_minor: number;
  status: string;
}

interface EntryRow {
  id: number;
  order_id: number;
  payment_id: number | null;
  kind: string;
  data: string;
}

/** A refund as the journal tells it, by its number as recorded (masked if it looked like a payment code). */
interface JournalRefund {
  paymentId: number | null;
  amount: unknown;
  status: string;
}

/** What the journal says about one order: its completion, its cart replayed, its payments and refunds. */
interface OrderFacts {
  completed: Record<string, unknown> | null;
  /** Lines by id after every cart entry, in priceOrder's shape (the tax rate is not journaled; totals do not
   * depend on it); null when an entry cannot be replayed (it names no line). */
  lines: Map<number, { unitPriceMinor: number; quantity: number; lineDiscountMinor: number; taxRateBp: number }> | null;
  orderDiscount: number;
  payments: Map<number, { amount: unknown; moved: boolean; last: string | null }>;
  refunds: Map<string, JournalRefund>;
}

/** A refund entry written without an order (none today; a refund module may): by payment id, from the chain pass. */
export type LooseRefunds = Map<number, EntryRow[]>;

/** Rows of one query sorted by order id, taken order by order while other queries advance beside it. */
class Cursor<T extends { order_id: number }> {
  private readonly it: IterableIterator<T>;
  private head: T | undefined;
  constructor(stmt: { iterate(): IterableIterator<unknown> }) {
    this.it = stmt.iterate() as IterableIterator<T>;
    this.advance();
  }
  private advance(): void {
    const next = this.it.next();
    this.head = next.done ? undefined : next.value;
  }
  /** The rows of order `id`; rows of orders before it are handed to `skipped` (or dropped). */
  take(id: number, skipped?: (row: T) => void): T[] {
    while (this.head && this.head.order_id < id) {
      skipped?.(this.head);
      this.advance();
    }
    const rows: T[] = [];
    while (this.head && this.head.order_id === id) {
      rows.push(this.head);
      this.advance();
    }
    return rows;
  }
  close(): void {
    this.it.return?.();
  }
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

function factsOf(entries: EntryRow[], loose: LooseRefunds | undefined): OrderFacts {
  const facts: OrderFacts = {
    completed: null,
    lines: new Map(),
    orderDiscount: 0,
    payments: new Map(),
    refunds: new Map(),
  };
  const refundEntries: EntryRow[] = [];
  for (const e of entries) {
    if (e.kind === 'sale.completed') {
      facts.completed ??= JSON.parse(e.data);
    } else if (e.kind.startsWith('cart.')) {
      replayCart(facts, e.kind, JSON.parse(e.data));
    } else if (e.kind.startsWith('refund.')) {
      refundEntries.push(e);
    } else if (e.kind.startsWith('payment.') && e.payment_id !== null) {
      const d = JSON.parse(e.data) as Record<string, unknown>;
      let p = facts.payments.get(e.payment_id);
      if (!p) {
        p = { amount: undefined, moved: false, last: null };
        facts.payments.set(e.payment_id, p);
      }
      if ((e.kind === 'payment.recorded' || e.kind === 'payment.created') && p.amount === undefined) {
        p.amount = d.amountMinor;
      }
      if (e.kind === 'payment.recorded') {
        p.moved = true;
        p.last = 'paid';
      }
      if (typeof d.to === 'string') {
        p.last = d.to;
        if (MOVED.has(d.to)) p.moved = true;
        // The move that paid a refund out names it.
        if ((d.to === 'refunded' || d.to === 'partially_refunded') && typeof d.refundNumber === 'string') {
          refundEntries.push(e);
        }
      }
    }
  }
  if (loose?.size) {
    for (const id of facts.payments.keys()) refundEntries.push(...(loose.get(id) ?? []));
    refundEntries.sort((a, b) => a.id - b.id);
  }
  for (const e of refundEntries) {
    const d = JSON.parse(e.data) as Record<string, unknown>;
    // A refund ticket names its money parts ({refundNumber, paymentId, amountMinor, fromDrawer}); an entry about
    // one refund row carries its number itself.
    const parts = Array.isArray(d.parts) ? (d.parts as Record<string, unknown>[]) : [d];
    for (const part of parts) {
      if (typeof part?.refundNumber !== 'string') continue;
      let r = facts.refunds.get(part.refundNumber);
      if (!r) {
        r = { paymentId: null, amount: undefined, status: 'requested' };
        facts.refunds.set(part.refundNumber, r);
      }
      r.paymentId ??= num(part.paymentId) ?? e.payment_id;
      if (r.amount === undefined) r.amount = part.amountMinor;
      if (e.kind.startsWith('payment.')) {
        // The payment's move that paid this refund out.
        r.status = 'refunded';
      } else if (part === d && e.kind === 'refund.made') {
        r.amount = d.amountMinor;
        r.status = 'refunded';
      } else if (part.fromDrawer === true || e.kind === 'refund.cashInstead') {
        r.status = 'refunded';
      } else if (typeof part.status === 'string') {
        r.status = part.status;
      }
    }
  }
  return facts;
}

/** One cart entry on the replayed lines: added, removed, or a field changed (quantity, price, discount). */
function replayCart(facts: OrderFacts, kind: string, d: Record<string, unknown>): void {
  if (kind === 'cart.orderDiscount') {
    facts.orderDiscount = num(d.discountMinor) ?? facts.orderDiscount;
    return;
  }
  if (!facts.lines) return;
  // Held, recalled, voided: no line changes. A line entry without its line cannot be replayed.
  if (d.lineId === undefined && !kind.startsWith('cart.line')) return;
  const lineId = num(d.lineId);
  if (lineId === null) {
    facts.lines = null;
    return;
  }
  if (kind === 'cart.lineRemoved') {
    facts.lines.delete(lineId);
    return;
  }
  let line = facts.lines.get(lineId);
  if (!line) {
    line = { unitPriceMinor: 0, quantity: 0, lineDiscountMinor: 0, taxRateBp: 0 };
    facts.lines.set(lineId, line);
  }
  line.unitPriceMinor = num(d.unitPriceMinor) ?? line.unitPriceMinor;
  line.quantity = num(d.quantity) ?? line.quantity;
  if (kind === 'cart.lineDiscount') line.lineDiscountMinor = num(d.discountMinor) ?? line.lineDiscountMinor;
}

/**
 * Every completed order recomputed from the tables and compared with what the journal recorded: its
 * completion (number, total, items, tax), its lines (the cart entries replayed), its payments and refunds;
 * and every order the journal completed must be completed in the table. Each table is read once, sorted by
 * order id, side by side (no query per order), so a year takes seconds.
 */
export function verifyOrders(db: Database, loose?: LooseRefunds): OrdersReport {
  return runSteps(ordersSteps(db, loose, 2000));
}

function* ordersSteps(db: Database, loose: LooseRefunds | undefined, step: number): Steps<OrdersReport> {
  const report: OrdersReport = { checked: 0, lines: 0, payments: 0, refunds: 0, differing: 0, firstBad: null };
  const found = (orderId: number, number: string, why: string) => {
    report.differing++;
    report.firstBad ??= { orderId, number, why };
  };
  const orders = db
    .prepare(
      'SELECT id, till_id, number, business_day, order_discount_minor, total_minor, tax_minor, item_count ' +
        "FROM orders WHERE status = 'completed' ORDER BY id",
    )
    .iterate() as IterableIterator<OrderRow>;
  const byId = db.prepare(
    'SELECT id, till_id, number, business_day, status, order_discount_minor, total_minor, tax_minor, item_count FROM orders WHERE id = ?',
  );
  const cursors = {
    entries: new Cursor<EntryRow>(
      db.prepare(
        'SELECT id, order_id, payment_id, kind, data FROM journal WHERE order_id IS NOT NULL ORDER BY order_id, id',
      ),
    ),
    lines: new Cursor<LineRow>(
      db.prepare(
        'SELECT order_id, id, unit_price_minor, quantity, line_discount_minor, tax_rate_bp, total_minor ' +
          'FROM order_lines ORDER BY order_id, position',
      ),
    ),
    payments: new Cursor<PaymentRow>(
      db.prepare(
        'SELECT order_id, id, method, status, amount_minor, refunded_minor FROM payments ORDER BY order_id, id',
      ),
    ),
    refunds: new Cursor<RefundRow>(
      db.prepare(
        'SELECT p.order_id, r.refund_number, r.payment_id, r.amount_minor, r.status ' +
          'FROM refunds r JOIN payments p ON p.id = r.payment_id ORDER BY p.order_id, r.id',
      ),
    ),
  };
  // An order the journal completed that the table does not have as completed (voided, deleted, reopened).
  let lastMissing = 0;
  const notCompleted = (e: EntryRow) => {
    if (e.kind !== 'sale.completed' || e.order_id === lastMissing) return;
    lastMissing = e.order_id;
    const row = byId.get(e.order_id) as (OrderRow & { status: string }) | undefined;
    const number = String((JSON.parse(e.data) as { number?: unknown }).number ?? '');
    const name = row ? orderName(row) : `order ${number ? `#${number} ` : ''}(id ${e.order_id})`;
    found(
      e.order_id,
      number,
      row
        ? `${name} was completed in the journal (entry ${e.id}), the table says ${row.status}`
        : `${name} was completed in the journal (entry ${e.id}) and is missing from the table`,
    );
  };
  try {
    for (const o of orders) {
      // An order is some ten rows (entries, lines, payments).
      if (++report.checked % Math.max(1, Math.round(step / 10)) === 0) yield;
      const entries = cursors.entries.take(o.id, notCompleted);
      const lines = cursors.lines.take(o.id);
      const payments = cursors.payments.take(o.id);
      const refunds = cursors.refunds.take(o.id);
      report.lines += lines.length;
      report.payments += payments.length;
      report.refunds += refunds.length;
      const why = orderProblem(o, factsOf(entries, loose), lines, payments, refunds);
      if (why) found(o.id, o.number, `${orderName(o)}: ${why}`);
    }
    cursors.entries.take(Number.MAX_SAFE_INTEGER, notCompleted);
  } finally {
    orders.return?.();
    for (const c of Object.values(cursors)) c.close();
  }
  return report;
}

/** "order T1 2026-12-04 #0042", as the receipt and reports name it. */
function orderName(o: { id: number; till_id: string; number: string; business_day: string | null }): string {
  if (!o.number) return `order ${o.till_id} (id ${o.id})`;
  return `order ${o.till_id} ${o.business_day ?? ''} #${o.number}`.replace('  ', ' ');
}

function orderProblem(
  o: OrderRow,
  facts: OrderFacts,
  lines: LineRow[],
  payments: PaymentRow[],
  refunds: RefundRow[],
): string | null {
  const j = facts.completed;
  if (!j) return "completed in the table, but the journal has no 'sale.completed' entry for it";
  const differs = (what: string, table: unknown, journal: unknown) =>
    journal !== undefined && table !== journal ? `${what} ${table} in the table, ${journal} in the journal` : null;
  const head =
    differs('total', o.total_minor, j.totalMinor ?? null) ??
    differs('number', o.number, j.number ?? null) ??
    differs('items', o.item_count, j.itemCount) ??
    differs('tax', o.tax_minor, j.taxMinor) ??
    differs('business day', o.business_day, j.day);
  if (head) return head;

  // The cart replayed from its entries against the lines stored.
  if (facts.lines) {
    const replayed = [...facts.lines];
    const priced = priceOrder(
      replayed.map(([, l]) => l),
      facts.orderDiscount,
    );
    const stored = new Map(lines.map((l) => [l.id, l]));
    for (const [i, [id, l]] of replayed.entries()) {
      const t = stored.get(id);
      if (!t) return `line ${id} is in the journal, not in the table`;
      const p = priced.lines[i];
      // Compared first, worded only when they differ (a year has a million lines).
      if (
        t.unit_price_minor !== l.unitPriceMinor ||
        t.quantity !== l.quantity ||
        t.line_discount_minor !== p.lineDiscountMinor ||
        t.total_minor !== p.totalMinor
      ) {
        return (
          differs(`line ${id}: unit price`, t.unit_price_minor, l.unitPriceMinor) ??
          differs(`line ${id}: quantity`, t.quantity, l.quantity) ??
          differs(`line ${id}: discount`, t.line_discount_minor, p.lineDiscountMinor) ??
          differs(`line ${id}: total`, t.total_minor, p.totalMinor)
        );
      }
      stored.delete(id);
    }
    const extra = stored.keys().next();
    if (!extra.done) return `line ${extra.value} is in the table, not in the journal`;
    const orderDiscount = priced.lines.reduce((a, p) => a + p.orderDiscountShareMinor, 0);
    const why = differs('order discount', o.order_discount_minor, orderDiscount);
    if (why) return why;
  }
  // The lines stored against the order stored (what a report sums).
  const priced = priceOrder(
    lines.map((l) => ({
      unitPriceMinor: l.unit_price_minor,
      quantity: l.quantity,
      lineDiscountMinor: l.line_discount_minor,
      taxRateBp: l.tax_rate_bp,
    })),
    o.order_discount_minor,
  );
  const sum = lines.reduce((a, l) => a + l.total_minor, 0);
  if (priced.totalMinor !== o.total_minor || sum !== o.total_minor) {
    return `its lines come to ${priced.totalMinor}, the order says ${o.total_minor}`;
  }
  if (priced.taxMinor !== o.tax_minor)
    return `its lines' tax comes to ${priced.taxMinor}, the order says ${o.tax_minor}`;

  const refundedBy = new Map<number, number>();
  for (const r of refunds) {
    if (r.status === 'refunded') refundedBy.set(r.payment_id, (refundedBy.get(r.payment_id) ?? 0) + r.amount_minor);
  }
  for (const p of payments) {
    const jp = facts.payments.get(p.id);
    const moved = MOVED.has(p.status);
    if (!jp) {
      if (moved) return `payment ${p.id} (${p.method}, ${p.status}) is not in the journal`;
      continue;
    }
    facts.payments.delete(p.id);
    const why =
      (p.amount_minor !== jp.amount ? differs(`payment ${p.id}:`, p.amount_minor, jp.amount) : null) ??
      (moved !== jp.moved
        ? `payment ${p.id} is ${p.status} in the table, ${jp.last ?? 'not paid'} in the journal`
        : null);
    if (why) return why;
  }
  for (const [id, jp] of facts.payments) {
    if (jp.moved) return `payment ${id} (${jp.amount}) is in the journal, not in the table`;
  }

  for (const r of refunds) {
    const key = facts.refunds.has(r.refund_number) ? r.refund_number : maskPaymentCodesIn(r.refund_number);
    const jr = facts.refunds.get(key);
    if (!jr) return `refund ${r.refund_number} is not in the journal`;
    facts.refunds.delete(key);
    const done = r.status === 'refunded';
    const why =
      differs(`refund ${r.refund_number}: payment`, r.payment_id, jr.paymentId ?? undefined) ??
      differs(`refund ${r.refund_number}:`, r.amount_minor, jr.amount) ??
      (done !== (jr.status === 'refunded')
        ? `refund ${r.refund_number} is ${r.status} in the table, ${jr.status} in the journal`
        : null);
    if (why) return why;
  }
  for (const [number, jr] of facts.refunds) {
    return `refund ${number} (${jr.amount}, ${jr.status}) is in the journal, not in the table`;
  }
  // What a payment says was refunded is what its refund rows paid out, and its state what the journal's
  // refunds (compared above, row by row) make it.
  for (const p of payments) {
    if (!MOVED.has(p.status)) continue;
    const refunded = refundedBy.get(p.id) ?? 0;
    if (p.refunded_minor !== refunded) {
      return `payment ${p.id}: ${p.refunded_minor} refunded in the table, its refunds come to ${refunded}`;
    }
    const state = refunded === 0 ? 'paid' : refunded >= p.amount_minor ? 'refunded' : 'partially_refunded';
    if (p.status !== state) return `payment ${p.id} is ${p.status} in the table, ${state} by its refunds`;
  }
  return null;
}
