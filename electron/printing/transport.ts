// How bytes reach a printer: a raw TCP socket (port 9100, "JetDirect") or a file (a device node, or a test's
// capture file). Plain Node. serial:, cups:, win: and system: are parsed (shared/printer.ts) but not built yet.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  DLE_EOT,
  isAvailableScheme,
  type PrinterState,
  type PrinterTarget,
  parsePrinterUri,
  statusFromDleEot,
} from '../../shared/printer';

/** A send that failed before its first byte was written: nothing printed, it may be tried again. */
export class NothingSentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingSentError';
  }
}

export interface ProbedStatus {
  state: PrinterState;
  paperNearEnd: boolean;
  detail: string | null;
}

export interface PrinterTransport {
  readonly uri: string;
  /**
   * Writes the bytes. `beforeFirstByte` runs once the printer is reached, just before anything is written (the
   * job is marked sent there). Rejects with NothingSentError when the printer could not be reached; any other
   * rejection came after bytes may have left.
   */
  send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void>;
  /** What the printer says (DLE EOT where it can answer); never throws. */
  status(): Promise<ProbedStatus>;
}

export interface TransportOptions {
  /** How long to wait for the printer to accept a connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** How long the printer has to answer DLE EOT (default 500 ms): silence is "unknown", never "offline". */
  statusWindowMs?: number;
}

export class PrinterUnavailableError extends Error {
  constructor(readonly target: PrinterTarget) {
    super(`${target.scheme}: printers are not available in this build yet`);
    this.name = 'PrinterUnavailableError';
  }
}

/** The transport for a URI; throws PrinterUriError for a bad one and PrinterUnavailableError for one not built. */
export function transportFor(uri: string, opts: TransportOptions = {}): PrinterTransport {
  const target = parsePrinterUri(uri);
  if (!isAvailableScheme(target)) throw new PrinterUnavailableError(target);
  if (target.scheme === 'tcp') return new TcpTransport(uri, target.host, target.port, opts);
  if (target.scheme === 'file') return new FileTransport(uri, target.path);
  throw new PrinterUnavailableError(target);
}

function connect(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new NothingSentError(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new NothingSentError(`${host}:${port}: ${err.code ?? err.message}`));
    });
  });
}

export class TcpTransport implements PrinterTransport {
  private readonly connectTimeoutMs: number;
  private readonly statusWindowMs: number;

  constructor(
    readonly uri: string,
    private readonly host: string,
    private readonly port: number,
    opts: TransportOptions,
  ) {
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 3000;
    this.statusWindowMs = opts.statusWindowMs ?? 500;
  }

  async send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    const socket = await connect(this.host, this.port, this.connectTimeoutMs);
    beforeFirstByte?.();
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err) => {
        socket.destroy();
        reject(err);
      });
      // Write then end: the printer reads until the connection closes; 'close' after our FIN went out.
      socket.end(Buffer.from(bytes), () => resolve());
    });
    socket.destroy();
  }

  async status(): Promise<ProbedStatus> {
    let socket: net.Socket;
    try {
      socket = await connect(this.host, this.port, this.connectTimeoutMs);
    } catch (err) {
      return { state: 'offline', paperNearEnd: false, detail: (err as Error).message };
    }
    // One request at a time: each answer is one byte, and a printer may skip one it does not know.
    const answers = { printer: null as number | null, offline: null as number | null, paper: null as number | null };
    const deadline = Date.now() + this.statusWindowMs;
    const received: number[] = [];
    let wake: (() => void) | undefined;
    socket.on('data', (chunk: Buffer) => {
      received.push(...chunk);
      wake?.();
    });
    socket.on('error', () => wake?.());
    socket.on('close', () => wake?.());
    const nextByte = async (): Promise<number | null> => {
      while (received.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0 || socket.destroyed) return null;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      return received.shift()!;
    };
    try {
      for (const key of ['printer', 'offline', 'paper'] as const) {
        if (socket.destroyed) break;
        socket.write(Buffer.from([0x10, 0x04, DLE_EOT[key]]));
        const b = await nextByte();
        if (b === null) break;
        answers[key] = b;
      }
    } finally {
      socket.destroy();
    }
    const read = statusFromDleEot(answers);
    return { ...read, detail: read.state === 'unknown' ? 'no answer to DLE EOT within the window' : null };
  }
}

export class FileTransport implements PrinterTransport {
  constructor(
    readonly uri: string,
    private readonly file: string,
  ) {}

  async send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'a');
    } catch (err) {
      throw new NothingSentError(`${this.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    try {
      beforeFirstByte?.();
      fs.writeSync(fd, bytes);
    } finally {
      fs.closeSync(fd);
    }
  }

  async status(): Promise<ProbedStatus> {
    try {
      fs.accessSync(this.file, fs.constants.W_OK);
      return { state: 'ok', paperNearEnd: false, detail: null };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A capture file not made yet is fine when its folder is there.
      if (code === 'ENOENT') {
        try {
          fs.accessSync(path.dirname(this.file), fs.constants.W_OK);
          return { state: 'ok', paperNearEnd: false, detail: null };
        } catch {}
      }
      return { state: 'offline', paperNearEnd: false, detail: `${this.file}: ${code ?? String(err)}` };
    }
  }
}
