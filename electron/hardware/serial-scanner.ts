// A barcode scanner on a serial port (or a USB scanner in its "USB COM" mode): opens the port, splits the
// bytes into codes (shared/scanner.ts), and reopens with backoff when the port goes away (USB unplugged)
// or cannot be opened. Plain Node: the till owns one and pushes each code to the cashier page.
import fs from 'node:fs';
import { SerialPort } from 'serialport';
import { type ScanFraming, ScanLineSplitter, type ScannerState, type ScannerTarget } from '../../shared/scanner';

/** What the scanner needs of a port (serialport's SerialPort; tests may pass another). */
export interface ScannerPort {
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'close' | 'error', listener: (err?: Error | null) => void): this;
  removeAllListeners(): this;
  readonly isOpen: boolean;
}

export interface SerialScannerOptions {
  target: ScannerTarget;
  framing: () => ScanFraming;
  onCode: (code: string) => void;
  onState: (state: Exclude<ScannerState, 'none'>, detail: string | null) => void;
  /** How often an open port's device node is checked for (it goes when the USB cable is pulled). */
  watchMs?: number;
  /** First and longest wait between attempts to (re)open the port. */
  retryFirstMs?: number;
  retryMaxMs?: number;
  openPort?: (target: ScannerTarget) => ScannerPort;
}

const defaultOpenPort = (t: ScannerTarget): ScannerPort =>
  new SerialPort({ path: t.path, baudRate: t.baud, autoOpen: false }) as unknown as ScannerPort;

/** ENOENT and its kin: the port is not there (unplugged, a wrong name), as opposed to busy or forbidden. */
function isNotFound(err: Error, path: string): boolean {
  const text = `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`;
  if (/ENOENT|No such file|cannot find the file|File not found/i.test(text)) return true;
  // On Linux a port that vanished mid-read reports EIO; the device node is gone by then.
  return !/^COM\d+$/i.test(path) && !fs.existsSync(path);
}

/** Stops listening to a port we are done with; a late 'error' from it must not become an uncaught one. */
function detach(port: ScannerPort): void {
  port.removeAllListeners();
  port.on('error', () => {});
}

export class SerialScanner {
  private port: ScannerPort | null = null;
  private timer: NodeJS.Timeout | null = null;
  private watch: NodeJS.Timeout | null = null;
  private wait: number;
  private closed = false;
  private lastState: string | null = null;
  private splitter: ScanLineSplitter;

  constructor(private readonly o: SerialScannerOptions) {
    this.wait = o.retryFirstMs ?? 500;
    this.splitter = new ScanLineSplitter(o.framing);
  }

  start(): void {
    this.attempt();
  }

  private report(state: Exclude<ScannerState, 'none'>, detail: string | null): void {
    // A state is said once: the same state with new words (another retry's error) is not news.
    if (state === this.lastState) return;
    this.lastState = state;
    this.o.onState(state, detail);
  }

  private attempt(): void {
    this.timer = null;
    if (this.closed) return;
    const open = this.o.openPort ?? defaultOpenPort;
    let port: ScannerPort;
    try {
      port = open(this.o.target);
    } catch (err) {
      this.failed(err as Error);
      return;
    }
    this.port = port;
    port.on('error', (err) => {
      // serialport emits 'error' for a failed read; 'close' follows when the port is gone.
      if (err && port === this.port && !port.isOpen) this.lost(port, err);
    });
    port.on('close', (err) => this.lost(port, err ?? null));
    port.on('data', (chunk: Buffer) => {
      if (port !== this.port) return;
      // latin1: a scanner sends ASCII; any other byte becomes a character the splitter refuses.
      for (const code of this.splitter.feed(chunk.toString('latin1'))) this.o.onCode(code);
    });
    port.open((err) => {
      if (this.closed) {
        if (!err) port.close();
        return;
      }
      if (port !== this.port) return;
      if (err) {
        this.port = null;
        detach(port);
        this.failed(err);
        return;
      }
      this.wait = this.o.retryFirstMs ?? 500;
      this.splitter = new ScanLineSplitter(this.o.framing);
      this.report('connected', null);
      this.watchNode(port);
    });
  }

  /**
   * serialport does not always notice a pty or USB device going away while no read is pending; the device
   * node vanishing is the sign (Linux and macOS; Windows COM ports have none to watch).
   */
  private watchNode(port: ScannerPort): void {
    const path = this.o.target.path;
    if (/^COM\d+$/i.test(path)) return;
    this.watch = setInterval(() => {
      if (!fs.existsSync(path)) this.lost(port, new Error(`${path} is gone`));
    }, this.o.watchMs ?? 1000);
    this.watch.unref?.();
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** The open port went away (unplugged) or failed: say so and try again. */
  private lost(port: ScannerPort, err: Error | null): void {
    if (port !== this.port || this.closed) return;
    this.stopWatch();
    this.port = null;
    detach(port);
    if (port.isOpen) port.close(() => {});
    this.failed(err ?? new Error('the port closed'));
  }

  private failed(err: Error): void {
    if (this.closed) return;
    this.report(isNotFound(err, this.o.target.path) ? 'not_found' : 'error', err.message);
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => this.attempt(), this.wait);
    this.timer.unref?.();
    this.wait = Math.min(this.wait * 2, this.o.retryMaxMs ?? 5000);
  }

  close(): Promise<void> {
    this.closed = true;
    this.stopWatch();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const port = this.port;
    this.port = null;
    if (!port) return Promise.resolve();
    detach(port);
    if (!port.isOpen) return Promise.resolve();
    return new Promise((resolve) => port.close(() => resolve()));
  }
}
