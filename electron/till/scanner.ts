// The serial barcode scanner for the till: opened from the setting (or --scanner), each code pushed to the
// cashier page as `scanner.scan`, where it goes the keyboard wedge's way; its state pushed as it changes.
import type { ScannerStatus, SerialPortList } from '../../shared/scanner';
import { parseScannerUri } from '../../shared/scanner';
import { listSerialPorts } from '../hardware/serial-ports';
import { SerialScanner, type SerialScannerOptions } from '../hardware/serial-scanner';
import type { TillContext } from './context';

export interface ScannerOptions {
  /** --scanner: used instead of the stored setting while this run lasts. */
  scannerUri?: string;
  retryFirstMs?: number;
  retryMaxMs?: number;
  watchMs?: number;
  openPort?: SerialScannerOptions['openPort'];
}

export class TillScanner {
  private scanner: SerialScanner | null = null;
  private openUri: string | null = null;
  private lastScanId = 0;
  /** Scans pushed and not yet taken by a page. */
  private readonly unclaimed = new Set<number>();
  private current: ScannerStatus;
  private started = false;

  constructor(
    private readonly ctx: TillContext,
    private readonly o: ScannerOptions = {},
  ) {
    this.current = this.statusFor('none', null);
  }

  uri(): string | null {
    return this.o.scannerUri ?? this.ctx.settings.get().scannerSerial;
  }

  private statusFor(state: ScannerStatus['state'], detail: string | null): ScannerStatus {
    return { state, uri: this.uri(), detail };
  }

  private setStatus(status: ScannerStatus): void {
    this.current = status;
    this.ctx.bus.emit('scanner.status', status);
  }

  /** The first page to ask takes the scan; any other page leaves it, so the item is added once. */
  claim(scanId: number): { claimed: boolean } {
    return { claimed: this.unclaimed.delete(scanId) };
  }

  status(): ScannerStatus {
    return this.current;
  }

  ports(): Promise<SerialPortList> {
    return listSerialPorts();
  }

  start(): void {
    this.started = true;
    this.apply();
  }

  /** After a settings write: reopens when the scanner's port changed. */
  settingsChanged(): void {
    if (this.started) this.apply();
  }

  private apply(): void {
    const uri = this.uri();
    if (uri === this.openUri && (this.scanner || uri === null)) return;
    void this.scanner?.close();
    this.scanner = null;
    this.openUri = uri;
    if (uri === null) {
      this.setStatus(this.statusFor('none', null));
      return;
    }
    let target: ReturnType<typeof parseScannerUri>;
    try {
      target = parseScannerUri(uri);
    } catch (err) {
      this.setStatus(this.statusFor('error', (err as Error).message));
      return;
    }
    const scanner = new SerialScanner({
      target,
      framing: () => {
        const s = this.ctx.settings.get();
        return { prefix: s.scanPrefix, suffix: s.scanSuffix, minLength: s.scanMinLength };
      },
      onCode: (barcode) => {
        if (this.scanner !== scanner) return;
        const scanId = ++this.lastScanId;
        this.unclaimed.add(scanId);
        // Scans no page took (no cashier page was open) are not kept beyond the newest hundred.
        if (this.unclaimed.size > 100) this.unclaimed.delete(this.unclaimed.values().next().value!);
        this.ctx.bus.emit('scanner.scan', { scanId, barcode });
      },
      onState: (state, detail) => {
        if (this.scanner !== scanner) return;
        if (state !== 'connected') console.warn(`[scanner] ${uri}: ${state} (${detail ?? ''})`);
        this.setStatus(this.statusFor(state, detail));
      },
      retryFirstMs: this.o.retryFirstMs,
      retryMaxMs: this.o.retryMaxMs,
      watchMs: this.o.watchMs,
      openPort: this.o.openPort,
    });
    this.scanner = scanner;
    scanner.start();
  }

  close(): Promise<void> {
    this.started = false;
    const s = this.scanner;
    this.scanner = null;
    return s?.close() ?? Promise.resolve();
  }
}
