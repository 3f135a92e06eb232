// cups:QUEUE on macOS and Linux: the bytes go raw (`lp -d QUEUE -o raw`, on stdin, no temp file) to a CUPS
// queue, so ESC/POS (Chinese, QR, cut, drawer kick) reaches the printer untouched by any driver.
import { runProcess } from './run-process';
import { NothingSentError, type PrinterTransport, type ProbedStatus, type TransportOptions } from './transport-core';

export class CupsTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    private readonly queue: string,
    private readonly o: TransportOptions,
  ) {}

  async send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
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
    // lp exits non-zero only when the spooler took no job (no such queue, scheduler down): nothing printed.
    if (result.code !== 0) {
      const why = result.stderr.trim() || `lp exited with ${result.code}`;
      throw new NothingSentError(`cups:${this.queue}: ${why}`);
    }
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
