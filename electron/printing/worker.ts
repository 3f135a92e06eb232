// Sends stored print jobs to the printer, one at a time, oldest first. Plain Node.
//
// A job is pending until its first byte is written (marked sent just before), so a till killed mid-send
// never prints it twice by itself: at the next start a sent job is offered ("may have printed — reprint?"),
// a pending one prints. While the printer cannot be reached the job waits and is tried again with backoff;
// one older than the retry window stops and waits for the cashier, so a printer switched back on never
// spills a pile of old receipts. Only a job's first try in the run that made it may carry the drawer kick:
// a retry, a restart or a reprint sends the bytes without it, so a drawer never opens by itself.

import { drawerState, type PrinterSettings, type PrinterStatus } from '../../shared/printer';
import { crashPoint } from '../core/crash';
import type { PrintJob, PrintJobsRepo } from '../db/print-jobs';
import type { Transaction } from '../db/transaction';
import { NothingSentError, type PrinterTransport, PrinterUnavailableError, type ProbedStatus } from './transport';

export interface PrintWorkerOptions {
  jobs: PrintJobsRepo;
  tx: Transaction;
  clock: () => Date;
  /** The configured printer now (null: none), the retry window, and which drawer signal means open. */
  printer: () => {
    uri: string | null;
    retrySeconds: number;
    drawerOpenSignal?: PrinterSettings['drawerOpenSignal'];
  };
  /** Makes the transport for a URI (throws for a URI that cannot be used). */
  transport: (uri: string) => PrinterTransport;
  /** A job's receipt as HTML, for a transport that prints a page (system:); null when it has none. */
  html?: (job: PrintJob) => string | null;
  /** The status changed (state, counts). */
  onStatus?: (status: PrinterStatus) => void;
  /** A job moved (sent, offered, dismissed). */
  onJob?: (job: PrintJob) => void;
  /** Retry backoff: first wait and cap (default 1 s doubling to 15 s). */
  retryFirstMs?: number;
  retryMaxMs?: number;
  /** How often the printer is asked for its status while one is configured (default 15 s; 0: never). */
  statusEveryMs?: number;
}

type Probe = Pick<ProbedStatus, 'state' | 'paperNearEnd' | 'detail' | 'drawerSignal'>;

export class PrintWorker {
  /** Jobs made by this run and not tried yet: the only ones whose first bytes may kick the drawer. */
  private readonly fresh = new Set<number>();
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;
  private probe: Probe = { state: 'none', paperNearEnd: false, detail: null };
  private last = '';

  constructor(private readonly o: PrintWorkerOptions) {
    this.retryMs = o.retryFirstMs ?? 1000;
  }

  /**
   * At start, before anything is sent: a job the last run had started sending may have printed, so it is
   * offered instead. Pending jobs print (without a kick: they are not this run's).
   */
  recover(): void {
    const offered = this.o.tx(() => this.o.jobs.offerUnfinished());
    if (offered) console.warn(`[print] ${offered} receipt(s) may have printed before the restart: offered`);
  }

  /** A job was stored (in a transaction that has committed, or will): this run may kick with it. */
  created(jobId: number): void {
    this.fresh.add(jobId);
    this.wake();
  }

  /** Looks for pending jobs now. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.running = this.drain()
      .catch((err) => console.error('[print] worker failed', err))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Resolves when nothing is being sent (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Starts the background status checks. */
  start(): void {
    this.schedulePoll();
    this.refresh().catch(() => {});
    this.wake();
  }

  private schedulePoll(): void {
    const every = this.o.statusEveryMs ?? 15_000;
    if (!every || this.closed) return;
    this.statusTimer = setTimeout(() => {
      this.refresh()
        .catch(() => {})
        .finally(() => this.schedulePoll());
    }, every);
    this.statusTimer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.statusTimer);
  }

  /** The status as last known, with the job counts now. */
  status(): PrinterStatus {
    const { uri, drawerOpenSignal = 'off' } = this.o.printer();
    const probe: Probe = uri ? this.probe : { state: 'none', paperNearEnd: false, detail: null };
    const drawerSignal = probe.drawerSignal ?? null;
    return {
      state: probe.state,
      paperNearEnd: probe.paperNearEnd,
      detail: probe.detail,
      drawerSignal,
      drawer: drawerState(drawerSignal, drawerOpenSignal),
      uri,
      pending: this.o.jobs.count('pending'),
      offered: this.o.jobs.count('offered'),
      at: this.o.clock().toISOString(),
    };
  }

  /** Asks the printer now (at most the connect timeout plus the 500 ms answer window). */
  async refresh(): Promise<PrinterStatus> {
    if (this.closed) throw new Error('the printer worker is closed');
    const { uri } = this.o.printer();
    if (!uri) {
      this.setProbe({ state: 'none', paperNearEnd: false, detail: null });
      return this.status();
    }
    const transport = this.transportOrStatus(uri);
    if (transport) this.setProbe(await transport.status());
    if (this.closed) throw new Error('the printer worker is closed');
    return this.status();
  }

  /** The status may have changed (a job was stored or moved, the settings changed): tell listeners if so. */
  changed(): void {
    if (this.closed) return;
    const now = this.status();
    const { at: _, ...rest } = now;
    const key = JSON.stringify(rest);
    if (key === this.last) return;
    this.last = key;
    this.o.onStatus?.(now);
  }

  private setProbe(probe: Probe): void {
    if (this.closed) return;
    this.probe = {
      state: probe.state,
      paperNearEnd: probe.paperNearEnd,
      detail: probe.detail,
      drawerSignal: probe.drawerSignal ?? null,
    };
    this.changed();
  }

  private transportOrStatus(uri: string): PrinterTransport | null {
    try {
      return this.o.transport(uri);
    } catch (err) {
      const state = err instanceof PrinterUnavailableError ? 'unavailable' : 'offline';
      this.setProbe({ state, paperNearEnd: false, detail: (err as Error).message });
      return null;
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const { uri, retrySeconds } = this.o.printer();
      if (!uri) return;
      const job = this.o.jobs.nextPending();
      if (!job) {
        this.retryMs = this.o.retryFirstMs ?? 1000;
        this.changed();
        return;
      }
      const ageMs = this.o.clock().getTime() - new Date(job.createdAt).getTime();
      const first = this.fresh.delete(job.id) && job.attempts === 0;
      if (ageMs > retrySeconds * 1000) {
        this.move(job.id, () => this.o.jobs.offer(job.id, 'pending', 'too_old'));
        continue;
      }
      // A drawer-only job opens the drawer with the sale or never.
      if (job.kind === 'drawer' && !first) {
        this.move(job.id, () => this.o.jobs.offer(job.id, 'pending', 'too_old') && this.o.jobs.dismiss(job.id));
        continue;
      }
      const transport = this.transportOrStatus(uri);
      if (!transport) return;
      const bytes = first || !job.retryBytes ? job.bytes : job.retryBytes;
      let wrote = false;
      try {
        await transport.send(
          bytes,
          () => {
            wrote = this.o.tx(() => this.o.jobs.markSent(job.id, this.o.clock().toISOString()));
          },
          () => this.o.html?.(job) ?? null,
        );
        crashPoint('print.afterSend');
        // Closed meanwhile: the database is gone; the job stays sent and is offered at the next start.
        if (this.closed) return;
        this.o.tx(() => this.o.jobs.markDone(job.id));
        this.retryMs = this.o.retryFirstMs ?? 1000;
        if (this.probe.state === 'offline' || this.probe.state === 'unknown' || this.probe.state === 'none') {
          this.probe = { state: 'ok', paperNearEnd: this.probe.paperNearEnd, detail: null };
        }
        this.moved(job.id);
      } catch (err) {
        if (this.closed) return;
        const message = (err as Error).message;
        // Nothing sent: the printer was not reached, a spooler refused or took back the job after it was marked,
        // or the transport failed before it marked the job at all (a full disk for a temp file): try again later.
        if (err instanceof NothingSentError || !wrote) {
          this.o.tx(() => (wrote ? this.o.jobs.unsend(job.id, message) : this.o.jobs.failed(job.id, message)));
          this.setProbe({ state: 'offline', paperNearEnd: false, detail: message });
          this.moved(job.id);
          this.retryLater();
          return;
        }
        // Bytes may have left before it broke: the cashier decides whether to print it again.
        this.move(job.id, () => this.o.jobs.offer(job.id, 'sent', 'maybe_printed'));
        this.setProbe({ state: 'unknown', paperNearEnd: false, detail: message });
      }
    }
  }

  private retryLater(): void {
    if (this.closed) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.o.retryMaxMs ?? 15_000);
    this.retryTimer = setTimeout(() => this.wake(), wait);
    this.retryTimer.unref();
  }

  private move(id: number, change: () => unknown): void {
    this.o.tx(change);
    this.moved(id);
  }

  private moved(id: number): void {
    const job = this.o.jobs.byId(id);
    if (job) this.o.onJob?.(job);
    this.changed();
  }
}
