// system:NAME: the fallback for a printer with no raw access. The desktop app prints the receipt's HTML
// silently through the OS driver (electron/shell/system-printer.ts). It cannot send ESC/POS, so it cannot kick
// a drawer, and a job with no page (a drawer-only job) cannot print this way.
import {
  type HtmlSource,
  NothingSentError,
  type PrinterTransport,
  type ProbedStatus,
  type SystemPrinter,
} from './transport-core';

export class SystemTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    private readonly name: string,
    private readonly printer: SystemPrinter,
    private readonly timeoutMs = 60_000,
  ) {}

  async send(_bytes: Uint8Array, beforeFirstByte?: () => void, html?: HtmlSource): Promise<void> {
    const page = html?.() ?? null;
    if (page === null) throw new NothingSentError(`system:${this.name} prints receipts only (it cannot open a drawer)`);
    beforeFirstByte?.();
    let timer: NodeJS.Timeout | undefined;
    const printed = this.printer.print(page, this.name).then(
      () => 'printed' as const,
      (err: Error) => err,
    );
    // A print that never reports back may still come out: the cashier decides, it is not sent again by itself.
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.timeoutMs);
      timer.unref();
    });
    const r = await Promise.race([printed, late]);
    clearTimeout(timer);
    if (r === 'late')
      throw new Error(`system:${this.name}: no answer from the print system within ${this.timeoutMs} ms`);
    // The OS refused the job (unknown printer, print failed): no job was spooled.
    if (r instanceof Error) throw new NothingSentError(`system:${this.name}: ${r.message}`);
  }

  /** The OS driver answers no DLE EOT: a printer it lists is "unknown", one it does not list is offline. */
  async status(): Promise<ProbedStatus> {
    try {
      const names = await this.printer.list();
      if (names.includes(this.name)) {
        return { state: 'unknown', paperNearEnd: false, detail: 'the system printer reports no paper or cover state' };
      }
      return { state: 'offline', paperNearEnd: false, detail: `no system printer named "${this.name}"` };
    } catch (err) {
      return { state: 'unknown', paperNearEnd: false, detail: (err as Error).message };
    }
  }
}
