// serial:/dev/ttyUSB0?baud=9600 or serial:COM3?baud=115200: a receipt printer on a serial port (serialport).
// The port is opened for each job or status check and closed at once, so an unplugged USB adapter is seen at
// the next job instead of leaving a dead handle open.
import { SerialPort } from 'serialport';
import {
  askDleEot,
  NothingSentError,
  type PrinterTransport,
  type ProbedStatus,
  type TransportOptions,
} from './transport-core';

/** The port's current user: a status check and a job take turns (a second open of a locked port fails). */
const inUse = new Map<string, Promise<unknown>>();

function inTurn<T>(path: string, use: () => Promise<T>): Promise<T> {
  const before = inUse.get(path) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(use);
  inUse.set(path, mine);
  const clear = () => {
    if (inUse.get(path) === mine) inUse.delete(path);
  };
  mine.then(clear, clear);
  return mine;
}

export class SerialTransport implements PrinterTransport {
  private readonly statusWindowMs: number;

  constructor(
    readonly uri: string,
    private readonly path: string,
    private readonly baud: number,
    opts: TransportOptions,
  ) {
    this.statusWindowMs = opts.statusWindowMs ?? 500;
  }

  /** Opens the port; rejects with NothingSentError carrying the OS's reason. */
  private open(): Promise<SerialPort> {
    return new Promise((resolve, reject) => {
      let port: SerialPort;
      try {
        port = new SerialPort({ path: this.path, baudRate: this.baud, autoOpen: false });
      } catch (err) {
        reject(new NothingSentError(`${this.path}: ${(err as Error).message}`));
        return;
      }
      port.open((err) => {
        if (err) reject(new NothingSentError(`${this.path}: ${err.message}`));
        else resolve(port);
      });
    });
  }

  send(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    return inTurn(this.path, () => this.write(bytes, beforeFirstByte));
  }

  status(): Promise<ProbedStatus> {
    return inTurn(this.path, () => this.ask());
  }

  private async write(bytes: Uint8Array, beforeFirstByte?: () => void): Promise<void> {
    const port = await this.open();
    let failure: Error | undefined;
    // A port that fails mid-write (adapter pulled) reports it here too; kept so close() still runs.
    const onError = (err: Error) => {
      failure ??= err;
    };
    port.on('error', onError);
    try {
      beforeFirstByte?.();
      await new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (err) => (err ? reject(err) : resolve()));
      });
      // drain: every byte has left our buffers for the device before the port closes.
      await new Promise<void>((resolve, reject) => port.drain((err) => (err ? reject(err) : resolve())));
      if (failure) throw failure;
    } finally {
      await close(port);
      port.off('error', onError);
    }
  }

  private async ask(): Promise<ProbedStatus> {
    let port: SerialPort;
    try {
      port = await this.open();
    } catch (err) {
      return { state: 'offline', paperNearEnd: false, detail: (err as Error).message };
    }
    const ignore = () => {};
    port.on('error', ignore);
    try {
      return await askDleEot(port, this.statusWindowMs);
    } catch (err) {
      return { state: 'unknown', paperNearEnd: false, detail: (err as Error).message };
    } finally {
      await close(port);
      port.off('error', ignore);
    }
  }
}

function close(port: SerialPort): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) {
      resolve();
      return;
    }
    port.close(() => resolve());
  });
}
