// A receipt printer for tests: a TCP server on 127.0.0.1 that keeps what each connection wrote and answers
// DLE EOT (10 04 n) the way it is told: ok, paper out, cover open, or not at all (many printers never answer).
// It can be switched off (the port refuses connections) and on again on the same port.
import net from 'node:net';

export type CaptureAnswer = 'ok' | 'paper_out' | 'cover_open' | 'silent';

/** One byte per DLE EOT n, as an Epson-style printer answers (bits 1 and 4 always set). */
function answerByte(answer: CaptureAnswer, n: number, drawerHigh: boolean): number | null {
  if (answer === 'silent') return null;
  const base = 0x12;
  // n=1 bit 2: the drawer switch on pin 3.
  if (n === 1) return drawerHigh ? base | 0x04 : base;
  if (n === 2) return answer === 'cover_open' ? base | 0x04 : answer === 'paper_out' ? base | 0x20 : base;
  if (n === 4) return answer === 'paper_out' ? base | 0x60 : base;
  return base;
}

export interface CapturedPrint {
  bytes: Buffer;
}

export class CapturePrinter {
  answer: CaptureAnswer = 'ok';
  /** The drawer switch's level the printer reports (pin 3): which one means open depends on the drawer. */
  drawerHigh = false;
  /** Every print connection's bytes (connections that only asked for status are not kept). */
  readonly prints: CapturedPrint[] = [];
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private waiters: { count: number; resolve: () => void }[] = [];
  port = 0;

  static async start(): Promise<CapturePrinter> {
    const p = new CapturePrinter();
    await p.on();
    return p;
  }

  get uri(): string {
    return `tcp://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port once it had one). */
  on(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  /** Stops listening: connections are refused, as with a printer switched off. */
  async off(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `count` prints have arrived in all. */
  printed(count = 1): Promise<void> {
    if (this.prints.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const chunks: Buffer[] = [];
    let statusOnly = true;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Answer each DLE EOT as it comes; anything else makes this a print.
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] === 0x10 && chunk[i + 1] === 0x04 && i + 2 < chunk.length) {
          const b = answerByte(this.answer, chunk[i + 2], this.drawerHigh);
          if (b !== null) socket.write(Buffer.from([b]));
          i += 2;
        } else statusOnly = false;
      }
    });
    socket.on('error', () => {});
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (statusOnly) return;
      this.prints.push({ bytes: Buffer.concat(chunks) });
      const n = this.prints.length;
      this.waiters = this.waiters.filter((w) => {
        if (n < w.count) return true;
        w.resolve();
        return false;
      });
    });
  }

  async close(): Promise<void> {
    await this.off();
  }
}
