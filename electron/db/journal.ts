// The append-only journal: one row per meaningful event. Triggers refuse UPDATE and DELETE, and once the
// till hands in its key (chainWith) every row carries an HMAC chained to the previous one (journal-chain.ts).
import type { Database, Statement } from 'better-sqlite3';
import { maskPaymentCodesIn, type PaymentState } from '../../shared/payment';
import { type ChainedContent, entryMac, keyFingerprint, type SegmentReason } from './journal-chain';
import type { ShiftJournalEvent } from '../../shared/shift-api';
import type { StaffJournalEvent } from '../../shared/staff';

export type JournalKind =
  | 'cart.lineAdded'
  | 'cart.lineChanged'
  | 'cart.lineRemoved'
  | 'cart.lineDiscount'
  | 'cart.priceOverridden'
  | 'cart.orderDiscount'
  | 'cart.voided'
  | 'cart.held'
  | 'cart.recalled'
  | 'sale.completed'
  | 'payment.recorded'
  // A wallet or bank attempt: created, then one row per state it moves to (payment.pending, payment.paid, ...).
  | 'payment.created'
  | `payment.${PaymentState}`
  | 'payment.abandoned'
  | 'payment.attention'
  | 'payment.applied'
  | 'payment.dismissed'
  | 'payment.providerError'
  | 'payment.notificationRejected'
  // "Pay ¥0.01 yourself" in Settings → Payments: each step of a test trade (no order, no sale).
  | 'payment.test'
  | 'refund.requested'
  | 'refund.updated'
  // A refund by line (till/refunds.ts): the ticket made, and a provider's refused part paid from the drawer.
  | 'refund.made'
  | 'refund.cashInstead'
  | 'order.numberReserved'
  | 'product.saved'
  | 'catalog.imported'
  // An import that failed part way, or that a killed process left running, undone from its undo log.
  | 'catalog.importRolledBack'
  | 'catalog.demoLoaded'
  | 'catalog.demoCleared'
  | 'settings.changed'
  | `staff.${StaffJournalEvent}`
  // Shifts: opened, cash in/out, closed (with the checklist's decisions), the report printed.
  | `shift.${ShiftJournalEvent}`
  // The cash drawer opened without a sale ("Open drawer", "Test drawer"), and receipts printed again.
  | 'drawer.opened'
  | 'receipt.reprinted'
  // A new chain segment: the first chained row, a new data key (the sealed one was lost), or an upgrade.
  | 'journal.segmentStarted'
  // The Z report (日结): made (with the owner's decisions on open items), printed again.
  | 'z.made'
  | 'z.reprinted'
  // Risk alerts (till/alerts.ts): a sale over a method's limit attempted (refused; nothing else written), and a
  // "Verify journal" that found a problem.
  | 'risk.overLimitAttempt'
  | 'journal.verifyFailed';

/** The order and payment a journal row is about. */
export interface JournalRefs {
  orderId?: number | null;
  paymentId?: number | null;
}

export interface JournalEntry {
  id: number;
  at: string;
  kind: JournalKind;
  orderId: number | null;
  paymentId: number | null;
  data: Record<string, unknown>;
}

interface JournalRow {
  id: number;
  at: string;
  kind: JournalKind;
  order_id: number | null;
  payment_id: number | null;
  data: string;
}

interface Chain {
  key: Buffer;
  segment: number;
  /** The last row: its id and the mac the next row chains to. */
  headId: number;
  headMac: string;
}

type ChainedInsert = [number, string, string, number | null, number | null, string, string, number, number];

/** A person as the journal names them. */
export interface JournalPerson {
  id: number;
  name: string;
}

/** The person an entry's data names (`by`, `approvedBy`), or null when it names none. */
export function journalPerson(v: unknown): JournalPerson | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  return typeof p.id === 'number' && typeof p.name === 'string' ? { id: p.id, name: p.name } : null;
}

export interface JournalActor {
  by: JournalPerson;
  approvedBy: JournalPerson | null;
  approvalId: string | null;
}

export class JournalRepo {
  private readonly insertStmt: Statement<[string, string, number | null, number | null, string]>;
  private readonly chainedInsertStmt: Statement<ChainedInsert>;
  private readonly forOrderStmt: Statement<[number], JournalRow>;
  private readonly recentStmt: Statement<[number], JournalRow>;
  private readonly byIdsStmt: Statement<[string], JournalRow>;
  private chain: Chain | null = null;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare('INSERT INTO journal (at, kind, order_id, payment_id, data) VALUES (?, ?, ?, ?, ?)');
    // Inserts only while the journal still ends where this repo thinks: a rolled-back transaction (or another
    // writer) moved the head, and the row would chain to a mac that is not there.
    this.chainedInsertStmt = db.prepare(
      'INSERT INTO journal (id, at, kind, order_id, payment_id, data, mac, segment) ' +
        'SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE IFNULL((SELECT max(id) FROM journal), 0) = ?',
    );
    this.forOrderStmt = db.prepare('SELECT * FROM journal WHERE order_id = ? ORDER BY id');
    this.recentStmt = db.prepare('SELECT * FROM journal ORDER BY id DESC LIMIT ?');
    this.byIdsStmt = db.prepare('SELECT * FROM journal WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id');
  }

  append(at: string, kind: JournalKind, refs: JournalRefs = {}, data: Record<string, unknown> = {}): void {
    this.insert(at, kind, refs.orderId ?? null, refs.paymentId ?? null, JSON.stringify(this.stamped(data)));
  }

  /** A row about payments: every run of digits that may be a customer's payment code is masked first. */
  appendMasked(at: string, kind: JournalKind, refs: JournalRefs, data: Record<string, unknown>): void {
    const text = maskPaymentCodesIn(JSON.stringify(this.stamped(data)));
    this.insert(at, kind, refs.orderId ?? null, refs.paymentId ?? null, text);
  }

  private actor: (() => JournalActor | null) | undefined;

  /**
   * Who made the call being served: every entry it writes records them as `by`, and the owner who approved it as
   * `approvedBy` with the approval's id (the chain covers both).
   */
  recordActor(actor: () => JournalActor | null): void {
    this.actor = actor;
  }

  private stamped(data: Record<string, unknown>): Record<string, unknown> {
    const who = this.actor?.();
    if (!who || 'by' in data) return data;
    const by = { id: who.by.id, name: who.by.name };
    if (!who.approvedBy) return { ...data, by };
    const approvedBy = { id: who.approvedBy.id, name: who.approvedBy.name };
    return { ...data, by, approvedBy, approvalId: who.approvalId };
  }

  private insert(at: string, kind: string, orderId: number | null, paymentId: number | null, data: string): void {
    const chain = this.chain;
    if (!chain) {
      this.insertStmt.run(at, kind, orderId, paymentId, data);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const id = chain.headId + 1;
      const mac = entryMac(chain.key, chain.headMac, { id, at, kind, order_id: orderId, payment_id: paymentId, data });
      const { changes } = this.chainedInsertStmt.run(
        id,
        at,
        kind,
        orderId,
        paymentId,
        data,
        mac,
        chain.segment,
        chain.headId,
      );
      if (changes === 1) {
        chain.headId = id;
        chain.headMac = mac;
        return;
      }
      if (attempt > 0) throw new Error('the journal head moved while appending');
      Object.assign(chain, this.readHead());
    }
  }

  /** The last row's id and the last mac stored (a row without one, written without the key, is skipped). */
  private readHead(): { headId: number; headMac: string } {
    const row = this.db
      .prepare(
        'SELECT IFNULL(max(id), 0) AS headId, ' +
          "IFNULL((SELECT mac FROM journal WHERE mac IS NOT NULL ORDER BY id DESC LIMIT 1), '') AS headMac FROM journal",
      )
      .get() as { headId: number; headMac: string };
    return row;
  }

  /**
   * Chains every row from now on with `key` (the till calls this once at start, before anything is written).
   * A key whose fingerprint is not the last segment's (the sealed key was lost: another PC, the other mode)
   * starts a new segment, journaled; never an error. An upgraded install's rows (no mac: written before the
   * chain) are sealed once: the chain over them is computed here and the new segment's first row chains to
   * it, since the journal refuses UPDATE.
   */
  chainWith(key: Buffer, at: string): { segment: number; reason: SegmentReason | null } {
    return this.db.transaction(() => {
      const fingerprint = keyFingerprint(key);
      const last = this.db.prepare('SELECT id, fingerprint FROM journal_segments ORDER BY id DESC LIMIT 1').get() as
        | { id: number; fingerprint: string }
        | undefined;
      let head = this.readHead();
      if (last && last.fingerprint === fingerprint) {
        this.chain = { key, segment: last.id, ...head };
        return { segment: last.id, reason: null };
      }
      // Rows with macs but no segment: the segment table was emptied. They are chained to, never sealed again.
      let reason: SegmentReason = last || head.headMac !== '' ? 'key_changed' : 'first';
      if (reason === 'first' && head.headId > 0) {
        reason = 'upgraded';
        let mac = '';
        const rows = this.db.prepare('SELECT id, at, kind, order_id, payment_id, data FROM journal ORDER BY id');
        for (const row of rows.iterate() as IterableIterator<ChainedContent>) mac = entryMac(key, mac, row);
        head = { headId: head.headId, headMac: mac };
      }
      const segment = (last?.id ?? 0) + 1;
      const entryId = head.headId + 1;
      this.db
        .prepare('INSERT INTO journal_segments (id, started_at, entry_id, fingerprint, reason) VALUES (?, ?, ?, ?, ?)')
        .run(segment, at, entryId, fingerprint, reason);
      this.chain = { key, segment, ...head };
      const data: Record<string, unknown> = { segment, fingerprint, reason };
      if (last) data.previousFingerprint = last.fingerprint;
      if (reason === 'upgraded') data.sealed = { from: 1, to: head.headId };
      this.append(at, 'journal.segmentStarted', {}, data);
      return { segment, reason };
    })();
  }

  /** The chain head (last row's id and mac), or null before chainWith. */
  head(): { entryId: number; mac: string } | null {
    return this.chain ? { entryId: this.chain.headId, mac: this.chain.headMac } : null;
  }

  forOrder(orderId: number): JournalEntry[] {
    return this.forOrderStmt.all(orderId).map(toEntry);
  }

  /** The entries with these ids (those that exist), in journal order. */
  byIds(ids: readonly number[]): JournalEntry[] {
    if (ids.length === 0) return [];
    return this.byIdsStmt.all(JSON.stringify(ids)).map(toEntry);
  }

  /** Newest first. */
  recent(limit: number): JournalEntry[] {
    return this.recentStmt.all(limit).map(toEntry);
  }
}

function toEntry(r: JournalRow): JournalEntry {
  return { id: r.id, at: r.at, kind: r.kind, orderId: r.order_id, paymentId: r.payment_id, data: JSON.parse(r.data) };
}
