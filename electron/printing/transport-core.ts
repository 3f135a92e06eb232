// What every printer transport shares: the interface the worker drives, its errors, and the DLE EOT status
// exchange (the same over a TCP socket and a serial port). Plain Node.
import type { Duplex } from 'node:stream';
import {
  DLE_EOT,
  type DrawerSignal,
  type PrinterState,
  type PrinterTarget,
  statusFromDleEot,
} from '../../shared/printer';

/**
 * Nothing printed and nothing will: the printer was not reached, or a spooler refused the job outright. It may
 * be tried again. The worker returns a job marked sent by beforeFirstByte to pending on this error.
 */
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
  /** The drawer switch's level where the printer reports it (DLE EOT 1); absent or null: not reported. */
  drawerSignal?: DrawerSignal | null;
}

/** What a job can also be printed as: the receipt's HTML (the system print fallback; null: none, e.g. a kick). */
export type HtmlSource = () => string | null;

export interface PrinterTransport {
  readonly uri: string;
  /**
   * Writes the bytes. `beforeFirstByte` runs once the printer is reached, just before anything is written (the
   * job is marked sent there). Rejects with NothingSentError when nothing printed; any other rejection came
   * after bytes may have left. `html` is for transports that print a page instead of ESC/POS (system:).
   */
  send(bytes: Uint8Array, beforeFirstByte?: () => void, html?: HtmlSource): Promise<void>;
  /** What the printer says (DLE EOT where it can answer); never throws. */
  status(): Promise<ProbedStatus>;
}

/** The desktop app's silent print of a page (electron/shell/system-printer.ts); the headless host has none. */
export interface SystemPrinter {
  print(html: string, deviceName: string): Promise<void>;
  list(): Promise<string[]>;
}

export interface TransportOptions {
  /** How long to wait for the printer to accept a connection (default 3000 ms). */
  connectTimeoutMs?: number;
  /** How long the printer has to answer DLE EOT (default 500 ms): silence is "unknown", never "offline". */
  statusWindowMs?: number;
  /** cups: and win: run lp / lpstat / powershell with this environment (tests put fakes first on PATH). */
  env?: NodeJS.ProcessEnv;
  /** cups: and win: how long the printer has to take a receipt off the OS queue before it is taken back. */
  spoolWaitMs?: number;
  /** win: the PowerShell to run (default powershell.exe; tests pass a fake). */
  powershell?: string;
  /** system: the desktop app's printer; without it system: is unavailable. */
  systemPrinter?: SystemPrinter;
}

export class PrinterUnavailableError extends Error {
  constructor(
    readonly target: PrinterTarget,
    message = `${target.scheme}: printers are not available in this build yet`,
  ) {
    super(message);
    this.name = 'PrinterUnavailableError';
  }
}

/**
 * Asks DLE EOT 1, 2 and 4 over an open stream, one at a time (each answer is one byte, and a printer may skip
 * one it does not know), all within `windowMs`. Silence is "unknown". The caller closes the stream.
 */
export async function askDleEot(stream: Duplex, windowMs: number): Promise<ProbedStatus> {
  const answers = { printer: null as number | null, offline: null as number | null, paper: null as number | null };
  const deadline = Date.now() + windowMs;
  const received: number[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  const onData = (chunk: Buffer) => {
    received.push(...chunk);
    wake?.();
  };
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  stream.on('data', onData);
  stream.on('error', onEnd);
  stream.on('close', onEnd);
  const nextByte = async (): Promise<number | null> => {
    while (received.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0 || ended || stream.destroyed) return null;
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
      if (ended || stream.destroyed) break;
      stream.write(Buffer.from([0x10, 0x04, DLE_EOT[key]]));
      const b = await nextByte();
      if (b === null) break;
      answers[key] = b;
    }
  } finally {
    stream.off('data', onData);
    stream.off('error', onEnd);
    stream.off('close', onEnd);
  }
  const read = statusFromDleEot(answers);
  return { ...read, detail: read.state === 'unknown' ? 'no answer to DLE EOT within the window' : null };
}
