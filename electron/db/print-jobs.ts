// Stored print jobs (migration 8): receipts waiting for, or sent to, the printer.
import type { Database, Statement } from 'better-sqlite3';
import type { OfferReason } from '../../shared/printer';

export type PrintJobStatus = 'pending' | 'sent' | 'done' | 'offered' | 'dismissed';
/** 'drawer': a cash sale without a receipt still opens the drawer (tried once, never later). */
export type PrintJobKind = 'sale' | 'reprint' | 'drawer' | 'refund' | 'report';

export interface PrintJob {
  id: number;
  orderId: number | null;
  kind: PrintJobKind;
  status: PrintJobStatus;
  offerReason: OfferReason | null;
  kick: boolean;
  bytes: Uint8Array;
  retryBytes: Uint8Array | null;
  /** The page for system: printers, stored for jobs that have no order to draw it from (reports). */
  html: string | null;
  printer: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

interface Row {
  id: number;
  order_id: number | null;
  kind: PrintJobKind;
  status: PrintJobStatus;
  offer_reason: OfferReason | null;
  kick: number;
  bytes: Buffer;
  retry_bytes: Buffer | null;
  html: string | null;
  printer: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface NewPrintJob {
  orderId: number | null;
  kind: PrintJobKind;
  /** 'offered' for a sale completed late (startup check, late payment): the cashier decides. */
  status: 'pending' | 'offered';
  offerReason?: OfferReason;
  kick: boolean;
  bytes: Uint8Array;
  retryBytes?: Uint8Array | null;
  html?: string | null;
  printer: string;
  createdAt: string;
}

function toJob(r: Row): PrintJob {
  return {
    id: r.id,
    orderId: r.order_id,
    kind: r.kind,
    status: r.status,
    offerReason: r.offer_reason,
    kick: r.kick === 1,
    bytes: new Uint8Array(r.bytes),
    retryBytes: r.retry_bytes ? new Uint8Array(r.retry_bytes) : null,
    html: r.html,
    printer: r.printer,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

export class PrintJobsRepo {
  private readonly insertStmt: Statement;
  private readonly byIdStmt: Statement<[number], Row>;
  private readonly nextPendingStmt: Statement<[], Row>;
  private readonly markSentStmt: Statement<[string, number]>;
  private readonly doneStmt: Statement<[number]>;
  private readonly recoverStmt: Statement<[]>;
  private readonly failedStmt: Statement<[string, number]>;
  private readonly unsendStmt: Statement<[string, number]>;
  private readonly offerStmt: Statement<[string, number, string]>;
  private readonly dismissStmt: Statement<[number]>;
  private readonly dismissOrderStmt: Statement<[number]>;
  private readonly offeredStmt: Statement<[], Row & { number: string }>;
  private readonly countStmt: Statement<[string], number>;
  private readonly byStatusStmt: Statement<[string], Row>;
  private readonly forOrderStmt: Statement<[number], Row>;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO print_jobs (order_id, kind, status, offer_reason, kick, bytes, retry_bytes, html, printer, created_at)
       VALUES (@orderId, @kind, @status, @offerReason, @kick, @bytes, @retryBytes, @html, @printer, @createdAt)`,
    );
    this.byIdStmt = db.prepare('SELECT * FROM print_jobs WHERE id = ?');
    this.nextPendingStmt = db.prepare("SELECT * FROM print_jobs WHERE status = 'pending' ORDER BY id LIMIT 1");
    this.markSentStmt = db.prepare(
      "UPDATE print_jobs SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
    );
    this.doneStmt = db.prepare("UPDATE print_jobs SET status = 'done' WHERE id = ? AND status = 'sent'");
    this.recoverStmt = db.prepare(
      "UPDATE print_jobs SET status = 'offered', offer_reason = 'maybe_printed' WHERE status = 'sent'",
    );
    this.failedStmt = db.prepare(
      "UPDATE print_jobs SET attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'pending'",
    );
    this.unsendStmt = db.prepare(
      "UPDATE print_jobs SET status = 'pending', sent_at = NULL, last_error = ? WHERE id = ? AND status = 'sent'",
    );
    this.offerStmt = db.prepare(
      "UPDATE print_jobs SET status = 'offered', offer_reason = ? WHERE id = ? AND status = ?",
    );
    this.dismissStmt = db.prepare("UPDATE print_jobs SET status = 'dismissed' WHERE id = ? AND status = 'offered'");
    this.dismissOrderStmt = db.prepare(
      "UPDATE print_jobs SET status = 'dismissed' WHERE order_id = ? AND status = 'offered'",
    );
    this.offeredStmt = db.prepare(
      `SELECT j.*, IFNULL(o.number, '') AS number FROM print_jobs j LEFT JOIN orders o ON o.id = j.order_id
       WHERE j.status = 'offered' ORDER BY j.id`,
    );
    this.countStmt = db.prepare<[string], number>('SELECT count(*) FROM print_jobs WHERE status = ?').pluck();
    this.byStatusStmt = db.prepare('SELECT * FROM print_jobs WHERE status = ? ORDER BY id');
    this.forOrderStmt = db.prepare('SELECT * FROM print_jobs WHERE order_id = ? ORDER BY id');
  }

  insert(job: NewPrintJob): PrintJob {
    const info = this.insertStmt.run({
      orderId: job.orderId,
      kind: job.kind,
      status: job.status,
      offerReason: job.offerReason ?? null,
      kick: job.kick ? 1 : 0,
      bytes: Buffer.from(job.bytes),
      retryBytes: job.retryBytes ? Buffer.from(job.retryBytes) : null,
      html: job.html ?? null,
      printer: job.printer,
      createdAt: job.createdAt,
    });
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): PrintJob | undefined {
    const r = this.byIdStmt.get(id);
    return r ? toJob(r) : undefined;
  }

  nextPending(): PrintJob | undefined {
    const r = this.nextPendingStmt.get();
    return r ? toJob(r) : undefined;
  }

  withStatus(status: PrintJobStatus): PrintJob[] {
    return this.byStatusStmt.all(status).map(toJob);
  }

  forOrder(orderId: number): PrintJob[] {
    return this.forOrderStmt.all(orderId).map(toJob);
  }

  /** pending → sent; false when it was no longer pending. */
  markSent(id: number, at: string): boolean {
    return this.markSentStmt.run(at, id).changes === 1;
  }

  /** sent → done: the printer took every byte. */
  markDone(id: number): boolean {
    return this.doneStmt.run(id).changes === 1;
  }

  /** At start: jobs the last run had begun sending and never finished may have printed; offered. */
  offerUnfinished(): number {
    return this.recoverStmt.run().changes;
  }

  /** A try that wrote nothing: counted, the job stays pending. */
  failed(id: number, error: string): void {
    this.failedStmt.run(error, id);
  }

  /** sent → pending: a spooler refused the job it was handed (nothing printed); the try is already counted. */
  unsend(id: number, error: string): void {
    this.unsendStmt.run(error, id);
  }

  offer(id: number, from: PrintJobStatus, reason: OfferReason): boolean {
    return this.offerStmt.run(reason, id, from).changes === 1;
  }

  dismiss(id: number): boolean {
    return this.dismissStmt.run(id).changes === 1;
  }

  dismissForOrder(orderId: number): number {
    return this.dismissOrderStmt.run(orderId).changes;
  }

  offered(): (PrintJob & { orderNumber: string })[] {
    return this.offeredStmt.all().map((r) => ({ ...toJob(r), orderNumber: r.number }));
  }

  count(status: PrintJobStatus): number {
    return this.countStmt.get(status)!;
  }
}
