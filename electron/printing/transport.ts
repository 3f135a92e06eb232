// How bytes reach a printer: a raw TCP socket (port 9100, "JetDirect"), a file (a device node, or a test's
// capture file), a serial port, a CUPS queue, the Windows spooler, or the desktop app's system print. Plain Node.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isAvailableScheme, type PrinterTarget, parsePrinterUri } from '../../shared/printer';
import { CupsTransport } from './cups-transport';
import { SerialTransport } from './serial-transport';
import { SystemTransport } from './system-transport';
import {
  askDleEot,
  NothingSentError,
  type PrinterTransport,
  PrinterUnavailableError,
  type ProbedStatus,
  type TransportOptions,
} from './transport-core';
import { WinTransport } from './win-transport';

export {
  askDleEot,
  type HtmlSource,
  NothingSentError,
  type PrinterTransport,
  PrinterUnavailableError,
  type ProbedStatus,
  type SystemPrinter,
  type TransportOptions,
} from './transport-core';

/** The transport for a URI; throws PrinterUriError for a bad one and PrinterUnavailableError for one not here. */
export function transportFor(uri: string, opts: TransportOptions = {}): PrinterTransport {
  const target: PrinterTarget = parsePrinterUri(uri);
  if (!isAvailableScheme(target)) throw new PrinterUnavailableError(target);
  switch (target.scheme) {
    case 'tcp':
      return new TcpTransport(uri, target.host, target.port, opts);
    case 'file':
      return new FileTransport(uri, target.path);
    case 'serial':
      return new SerialTransport(uri, target.path, target.baud, opts);
    case 'cups':
      return new CupsTransport(uri, target.name, opts);
    case 'win':
      return new WinTransport(uri, target.name, opts);
    case 'system':
      if (!opts.systemPrinter) {
        throw new PrinterUnavailableError(target, 'system: printers need the desktop app (this is the headless host)');
      }
      return new SystemTransport(uri, target.name, opts.systemPrinter);
  }
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
    try {
      return await askDleEot(socket, this.statusWindowMs);
    } finally {
      socket.destroy();
    }
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
