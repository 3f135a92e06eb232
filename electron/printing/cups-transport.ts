// cups:QUEUE on macOS and Linux: the bytes go raw (`lp -d QUEUE -o raw`, on stdin, no temp file) to a CUPS
// queue, so ESC/POS (Chinese, QR, cut, drawer kick) reaches the printer untouched by any driver.
//
// A spooler holds what the printer does not take (switched off, out of paper) and prints it whenever the printer
// comes back: a pile of old receipts, each with its drawer kick. So a receipt is handed over only to an empty,
// enabled queue, and followed until the printer takes it; one still waiting after a while is taken back
// (`cancel`) and waits in the till's own queue instead, where the retry window applies and a retry never kicks.
import { runProcess } from './run-process';
import { NothingSentError, type PrinterTransport, type ProbedStatus, type TransportOptions } from './transport-core';

/** How long the printer has to take a receipt off the CUPS queue before it is taken back (default 15 s). */
const SPOOL_WAIT_MS = 15_000;
const POLL_MS = 250;

export class CupsTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    private readonly queue: string,
    private readonly o: TransportOptions,
  ) {}

  /** The queue's waiting jobs (`lpstat -o QUEUE`, one line each); null when lpstat cannot say. */
  private async waiting(): Promise<string[] | null> {
    try {
      const r = await runProcess('lpstat', ['-o', this.queue], { env: this.o.env, timeoutMs: 5000 });
      if (r.code !== 0) return null;
      return r.stdout.split('\n').filter((l) => l.trim());
    } catch {
      return null;
    }
  }

  async send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    const before = await this.waiting();
    if (before?.length) {
      throw new NothingSentError(`cups:${this.queue}: ${before.length} job(s) already waiting in the queue`);
    }
    const probe = await this.status();
    if (probe.state === 'offline') throw new NothingSentError(`cups:${this.queue}: ${probe.detail}`);
    let result: Awaited<ReturnType<typeof runProcess>>;
    try {
      // Marked sent as lp starts: a till killed while lp runs may have spooled the job, so it is offered.
      result = await runProcess('lp', ['-d', this.queue, '-o', 'raw'], {
        env: this.o.env,
        input: bytes,
        onSpawn: beforeFirstByte,
      });
    } catch (err) {
      throw new NothingSentError(`lp could not run (is CUPS installed?): ${(err as Error).message}`);
    }
    // Killed for hanging: it may have queued the job, so it is not sent again by itself.
    if (result.code === null) throw new Error(`cups:${this.queue}: lp did not finish (${result.signal ?? 'killed'})`);
    // lp exits non-zero only when the spooler took no job (no such queue, scheduler down): nothing printed.
    if (result.code !== 0) {
      const why = result.stderr.trim() || `lp exited with ${result.code}`;
      throw new NothingSentError(`cups:${this.queue}: ${why}`);
    }
    const id = /request id is (\S+)/.exec(result.stdout)?.[1];
    if (id) await this.followUntilTaken(id);
  }

  private async followUntilTaken(id: string): Promise<void> {
    const waitMs = this.o.spoolWaitMs ?? SPOOL_WAIT_MS;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const jobs = await this.waiting();
      if (jobs === null || !jobs.some((l) => l.split(/\s+/)[0] === id)) return;
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const c = await runProcess('cancel', [id], { env: this.o.env, timeoutMs: 5000 }).catch((err: Error) => ({
      code: 1,
      stderr: err.message,
    }));
    const within = waitMs >= 1000 ? `${Math.round(waitMs / 1000)} s` : `${waitMs} ms`;
    if (c.code === 0) {
      throw new NothingSentError(
        `cups:${this.queue}: the printer did not take the receipt within ${within}; it was taken back from the queue`,
      );
    }
    throw new Error(
      `cups:${this.queue}: the printer did not take ${id} within ${within} and it could not be taken back`,
    );
  }

  /** `lpstat -p QUEUE`: a disabled queue is offline (in lpstat's words); anything else is unknown. Never throws. */
  async status(): Promise<ProbedStatus> {
    try {
      const r = await runProcess('lpstat', ['-p', this.queue], { env: this.o.env, timeoutMs: 5000 });
      const text = `${r.stdout}\n${r.stderr}`.trim();
      if (r.code === 0 && /\bdisabled\b|not accepting/i.test(text)) {
        return { state: 'offline', paperNearEnd: false, detail: text };
      }
      return { state: 'unknown', paperNearEnd: false, detail: text || `lpstat exited with ${r.code}` };
    } catch (err) {
      return { state: 'unknown', paperNearEnd: false, detail: (err as Error).message };
    }
  }
}
