// Receipts and the cash drawer for the till: the receipt's print job stored in the transaction that completes
// the order, reprints, offers, the drawer and the test page. Nothing happens without a printer set up.
import { TillError } from '../../shared/api';
import type { Order, Payment, Settings } from '../../shared/domain';
import {
  canOpenDrawer,
  drawerPinNumber,
  type PrinterSettings,
  type PrinterStatus,
  type PrinterTargets,
  PrinterUriError,
  type PrintOffer,
  type ReceiptPreview,
  receiptTextLines,
} from '../../shared/printer';
import { buildReceipt, paidTheSale, type Receipt } from '../../shared/receipt';
import { fixtureOrder } from '../../shared/receipt-fixtures';
import { layoutReceipt } from '../../shared/receipt-layout';
import type { PrintJob } from '../db/print-jobs';
import { drawerKickEscPos, linesToEscPos, receiptToEscPos } from '../printing/escpos';
import { escapeHtml, receiptToHtml } from '../printing/receipt-html';
import { listPrinterTargets } from '../printing/targets';
import {
  NothingSentError,
  type PrinterTransport,
  PrinterUnavailableError,
  type TransportOptions,
  transportFor,
} from '../printing/transport';
import { PrintWorker } from '../printing/worker';
import type { TillContext } from './context';
import type { Completion, OpenOrder } from './open-order';

export interface PrintingOptions {
  /** --printer: used instead of the stored setting while this run lasts. */
  printerUri?: string;
  transport?: TransportOptions;
  retryFirstMs?: number;
  retryMaxMs?: number;
  statusEveryMs?: number;
}

const INSTALL_ID_KEY = 'till.installId';

export class Printing {
  readonly worker: PrintWorker;
  /** Payments stored before this run started: an order they complete was completed by the startup check. */
  private readonly lastPaymentBefore: number;

  constructor(
    private readonly ctx: TillContext,
    private readonly open: OpenOrder,
    private readonly o: PrintingOptions = {},
  ) {
    this.lastPaymentBefore = ctx.db.prepare('SELECT IFNULL(max(id), 0) FROM payments').pluck().get() as number;
    this.worker = new PrintWorker({
      jobs: ctx.repos.printJobs,
      tx: ctx.tx,
      clock: ctx.clock,
      printer: () => {
        const p = this.settings().printer;
        return { uri: this.uri(), retrySeconds: p.retrySeconds, drawerOpenSignal: p.drawerOpenSignal };
      },
      transport: (uri) => this.transport(uri),
      html: (job) => this.jobHtml(job),
      onStatus: (status) => ctx.bus.emit('printer.status', status),
      retryFirstMs: o.retryFirstMs,
      retryMaxMs: o.retryMaxMs,
      statusEveryMs: o.statusEveryMs,
    });
    open.onComplete((c) => this.completed(c));
  }

  private settings(): Readonly<Settings> {
    return this.ctx.settings.get();
  }

  /** The printer in use: --printer, else the setting. */
  uri(): string | null {
    return this.o.printerUri ?? this.settings().printer.uri;
  }

  private transport(uri: string): PrinterTransport {
    return transportFor(uri, this.o.transport);
  }

  /** Sends what waits and starts asking the printer for its status (till.start()). */
  start(): void {
    this.worker.start();
  }

  close(): void {
    this.worker.close();
  }

  /** Inside the completing transaction: the receipt's job (or, for cash without a receipt, the drawer's). */
  private completed(c: Completion): void {
    const uri = this.uri();
    if (!uri) return;
    const s = this.settings();
    const order = this.open.orderById(c.orderId);
    const now = this.ctx.clock().toISOString();
    // The customer may be gone: a sale the startup check or a late payment completed waits for the cashier.
    const late = c.how === 'late' || (c.how === 'wallet' && this.completedByStartupCheck(order.payments));
    // Split tender: the cash part goes into the drawer when the wallet pays the rest, with that receipt.
    const tookCash = c.how === 'cash' || order.payments.some((p) => p.method === 'cash' && paidTheSale(p));
    // A system: printer gets a page through the OS driver, never ESC p: no drawer kick is stored for it.
    const kick = tookCash && !late && s.printer.kickOnCash && canOpenDrawer(uri);
    const wanted = c.receipt ?? !s.printer.noReceiptDefault;
    const jobs = this.ctx.repos.printJobs;
    let job: PrintJob;
    if (!wanted) {
      if (!kick) return;
      job = jobs.insert({
        orderId: order.id,
        kind: 'drawer',
        status: 'pending',
        kick: true,
        bytes: drawerKickEscPos(drawerPinNumber(s.printer.drawerPin)),
        printer: uri,
        createdAt: now,
      });
    } else {
      job = jobs.insert({
        orderId: order.id,
        kind: 'sale',
        status: late ? 'offered' : 'pending',
        offerReason: late ? 'late_sale' : undefined,
        kick,
        bytes: this.render(order, { kick }),
        retryBytes: kick ? this.render(order, { kick: false }) : null,
        printer: uri,
        createdAt: now,
      });
    }
    if (job.status === 'pending') {
      // Woken after the commit: the worker reads committed rows only.
      const id = job.id;
      setImmediate(() => this.worker.created(id));
    } else setImmediate(() => this.worker.changed());
  }

  private completedByStartupCheck(payments: Payment[]): boolean {
    const wallet = payments.filter((p) => p.method !== 'cash' && paidTheSale(p));
    const last = Math.max(0, ...wallet.map((p) => p.id));
    return last > 0 && last <= this.lastPaymentBefore;
  }

  /** The receipt of an order as this till prints it now (shop, header and footer from the settings). */
  private receipt(
    order: Order,
    reprint: boolean,
    layout: Pick<PrinterSettings, 'header' | 'footer'> = this.settings().printer,
  ): Receipt {
    const s = this.settings();
    return buildReceipt({
      order,
      shop: {
        name: s.shopName,
        headerLines: receiptTextLines(layout.header),
        footerLines: receiptTextLines(layout.footer),
        logo: null,
      },
      tillId: this.ctx.tillId,
      // Who rang it up (the receipt names the cashier); null for a sample or an order from before staff accounts.
      cashier: this.ctx.repos.orders.byId(order.id)?.staff_name ?? null,
      language: s.language === 'en' ? 'en' : 'zh-CN',
      installId: this.ctx.repos.settings.get<string>(INSTALL_ID_KEY),
      reprint,
    });
  }

  private render(order: Order, o: { kick: boolean; reprint?: boolean }): Uint8Array {
    const s = this.settings();
    return receiptToEscPos(this.receipt(order, o.reprint ?? false), {
      columns: s.printer.columns,
      kickDrawer: o.kick,
      drawerPin: drawerPinNumber(s.printer.drawerPin),
    });
  }

  /**
   * A stored job as a page for system: printers, drawn from its order when it is sent (jobs store ESC/POS
   * bytes only); a drawer-only job has none.
   */
  private jobHtml(job: PrintJob): string | null {
    if (job.html !== null) return job.html;
    if (job.kind === 'drawer' || job.kind === 'report' || job.kind === 'refund' || job.orderId === null) return null;
    const order = this.open.orderById(job.orderId);
    return receiptToHtml(this.receipt(order, job.kind === 'reprint'), { columns: this.settings().printer.columns });
  }

  // ---- API ---------------------------------------------------------------------------------------------

  async status(refresh: boolean): Promise<PrinterStatus> {
    return refresh ? this.worker.refresh() : this.worker.status();
  }

  offers(): PrintOffer[] {
    return this.ctx.repos.printJobs
      .offered()
      .filter((j) => j.orderId !== null && j.offerReason !== null)
      .map((j) => ({
        jobId: j.id,
        orderId: j.orderId!,
        orderNumber: j.orderNumber,
        reason: j.offerReason!,
        createdAt: j.createdAt,
      }));
  }

  /** A completed order's receipt again, marked 重打 / REPRINT, never with the drawer kick. */
  reprint(orderId: number): { jobId: number } {
    const uri = this.requireUri();
    const job = this.ctx.tx(() => {
      const row = this.ctx.repos.orders.byId(orderId);
      if (row?.status !== 'completed') {
        throw new TillError('ORDER_NOT_FOUND', `No completed order ${orderId}`, { orderId });
      }
      const now = this.ctx.clock().toISOString();
      // Printing it answers any offer of the same receipt.
      this.ctx.repos.printJobs.dismissForOrder(orderId);
      const job = this.ctx.repos.printJobs.insert({
        orderId,
        kind: 'reprint',
        status: 'pending',
        kick: false,
        bytes: this.render(this.open.orderById(orderId), { kick: false, reprint: true }),
        printer: uri,
        createdAt: now,
      });
      this.ctx.repos.journal.append(now, 'receipt.reprinted', { orderId }, { jobId: job.id });
      return job;
    });
    this.worker.created(job.id);
    return { jobId: job.id };
  }

  /**
   * Queues a page that is not a sale's receipt (a refund receipt, a shift report, a Z) with the sale receipts, in
   * the caller's transaction; `kick` opens the drawer with it (a cash refund). The caller journals what it is.
   * NO_PRINTER when none is set up: nothing is queued.
   */
  printDocument(doc: {
    kind: 'refund' | 'report';
    orderId?: number | null;
    bytes: Uint8Array;
    /** Without the kick, for a resend. */
    retryBytes?: Uint8Array | null;
    html: string | null;
    kick?: boolean;
  }): { jobId: number } {
    const uri = this.requireUri();
    const job = this.ctx.repos.printJobs.insert({
      orderId: doc.orderId ?? null,
      kind: doc.kind,
      status: 'pending',
      kick: (doc.kick ?? false) && canOpenDrawer(uri),
      bytes: doc.bytes,
      retryBytes: doc.retryBytes ?? null,
      html: doc.html,
      printer: uri,
      createdAt: this.ctx.clock().toISOString(),
    });
    // Woken after the commit: the worker reads committed rows only.
    setImmediate(() => this.worker.created(job.id));
    return { jobId: job.id };
  }

  /**
   * Queues the drawer kick alone (a shift's cash in/out) in the caller's transaction, so it is stored before it is
   * sent; null when no printer is set up or it cannot kick (system: printers). The caller journals it.
   */
  queueDrawerKick(): { jobId: number } | null {
    const uri = this.uri();
    if (!uri || !canOpenDrawer(uri)) return null;
    const job = this.ctx.repos.printJobs.insert({
      orderId: null,
      kind: 'drawer',
      status: 'pending',
      kick: true,
      bytes: drawerKickEscPos(drawerPinNumber(this.settings().printer.drawerPin)),
      printer: uri,
      createdAt: this.ctx.clock().toISOString(),
    });
    setImmediate(() => this.worker.created(job.id));
    return { jobId: job.id };
  }

  /** The receipt printer's columns and drawer pin, for pages built outside this module. */
  pageLayout(): { columns: 32 | 48; drawerPin: 0 | 1 } {
    const s = this.settings();
    return { columns: s.printer.columns, drawerPin: drawerPinNumber(s.printer.drawerPin) };
  }

  dismiss(jobId: number): PrintOffer[] {
    this.ctx.tx(() => this.ctx.repos.printJobs.dismiss(jobId));
    this.worker.changed();
    return this.offers();
  }

  /** "Open drawer" (no sale) and "Test drawer": ESC p now, and a journal row saying whether it went out. */
  async openDrawer(reason: 'no_sale' | 'test'): Promise<PrinterStatus> {
    const s = this.settings();
    const bytes = drawerKickEscPos(drawerPinNumber(s.printer.drawerPin));
    let problem: TillError | null = null;
    try {
      await this.sendNow(bytes);
    } catch (err) {
      problem = err as TillError;
    }
    const now = this.ctx.clock().toISOString();
    this.ctx.tx(() =>
      this.ctx.repos.journal.append(now, 'drawer.opened', {}, { reason, pin: s.printer.drawerPin, sent: !problem }),
    );
    if (problem) throw problem;
    return this.worker.status();
  }

  /**
   * What the receipt looks like, without printing: a completed order's, or a sample sale (so the owner sees the
   * header, footer and paper width before the first customer). Characters the printer cannot print are flagged.
   */
  preview(orderId?: number, layout?: Pick<PrinterSettings, 'columns' | 'header' | 'footer'>): ReceiptPreview {
    let order: Order;
    if (orderId === undefined) {
      order = fixtureOrder({ currency: this.settings().currency, completedAt: this.ctx.clock().toISOString() });
    } else {
      const row = this.ctx.repos.orders.byId(orderId);
      if (row?.status !== 'completed') {
        throw new TillError('ORDER_NOT_FOUND', `No completed order ${orderId}`, { orderId });
      }
      order = this.open.orderById(orderId);
    }
    const receipt = this.receipt(order, false, layout);
    const columns = layout?.columns ?? this.settings().printer.columns;
    return {
      html: receiptToHtml(receipt, { columns }),
      unprintable: layoutReceipt(receipt, columns).unprintable,
      columns,
    };
  }

  async testPage(): Promise<PrinterStatus> {
    const s = this.settings();
    const cols = s.printer.columns;
    const lines = [
      'Tillpoint',
      '打印测试页 / Test page',
      s.shopName,
      `${cols} 列 / columns (${cols === 32 ? '58' : '80'} mm)`,
      '-'.repeat(cols),
      '中文：可乐 ￥3.50',
      'ASCII: 0123456789 ABC xyz',
      '-'.repeat(cols),
      new Date(this.ctx.clock()).toISOString(),
    ];
    const page = `<!doctype html><html><head><meta charset="utf-8"></head><body><pre>${escapeHtml(lines.join('\n'))}</pre></body></html>`;
    await this.sendNow(linesToEscPos(lines, cols), page);
    return this.worker.status();
  }

  private requireUri(): string {
    const uri = this.uri();
    if (!uri) throw new TillError('NO_PRINTER', 'No receipt printer is set up');
    return uri;
  }

  /** Sends at once (not stored: nothing here may print later by itself). */
  private async sendNow(bytes: Uint8Array, html: string | null = null): Promise<void> {
    const uri = this.requireUri();
    let transport: PrinterTransport;
    try {
      transport = this.transport(uri);
    } catch (err) {
      if (err instanceof PrinterUnavailableError) {
        throw new TillError('PRINTER_NOT_BUILT', err.message, { scheme: err.target.scheme });
      }
      if (err instanceof PrinterUriError) throw new TillError('PRINTER_OFFLINE', err.message, { detail: err.message });
      throw err;
    }
    try {
      await transport.send(bytes, undefined, () => html);
    } catch (err) {
      const detail = (err as Error).message;
      if (err instanceof NothingSentError) this.worker.refresh().catch(() => {});
      throw new TillError('PRINTER_OFFLINE', `The printer could not be reached: ${detail}`, { detail });
    }
  }

  /** Settings: what this machine can list of each kind of printer, or why it cannot. */
  targets(): Promise<PrinterTargets> {
    const t = this.o.transport ?? {};
    return listPrinterTargets({ env: t.env, powershell: t.powershell, systemPrinter: t.systemPrinter });
  }

  /** The printer settings changed: ask the new printer, and send what waits. */
  settingsChanged(): void {
    this.worker.refresh().catch(() => {});
    this.worker.wake();
  }
}
