// Command-line flags shared by the headless host (electron/host/cli.ts) and the desktop app (electron/main.ts).
import path from 'node:path';
import { defaultDataDir } from './paths';

export const DEFAULT_PORT = 4870;
export const DEFAULT_BIND = '127.0.0.1';

export interface TillArgs {
  /** Absolute; defaults to the OS app-data folder (see paths.ts). */
  dataDir: string;
  /** 0 lets the OS pick a free port (tests). */
  port: number;
  headless: boolean;
  /** Loopback only for now: LAN access waits for device pairing. */
  bind: string;
  /** Overrides settings.displayThanksMs, so tests need not wait out the thanks screen. */
  thanksMs?: number;
  help: boolean;
}

export const USAGE = `Usage: tillpoint [options]

  --data-dir DIR   where the shop's data lives (default: ${defaultDataDir()})
  --port N         port for the headless host, 0..65535, 0 = any free port (default: ${DEFAULT_PORT})
  --headless       run without windows: serve the cashier to a browser
  --bind ADDR      address to listen on (default: ${DEFAULT_BIND}); only loopback addresses
                   (127.x.x.x, ::1, localhost) are accepted until LAN pairing exists
  --thanks-ms N    how long the customer display shows thanks, in ms (overrides the setting; for tests)
  -h, --help       show this help`;

export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

export function isLoopback(addr: string): boolean {
  const a = addr.toLowerCase();
  return a === 'localhost' || a === '::1' || a === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new ArgsError(`${flag} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return n;
}

const VALUE_FLAGS = new Set(['--data-dir', '--port', '--bind', '--thanks-ms']);
const BOOLEAN_FLAGS = new Set(['--headless', '--help', '-h']);

export interface ParseOptions {
  /**
   * Electron and Chromium add switches of their own (--no-sandbox, --inspect, -psn_...) and the app path:
   * main.ts passes true to skip what is not ours. The host CLI refuses them.
   */
  ignoreUnknown?: boolean;
  cwd?: string;
}

/** Parses `--flag value` and `--flag=value`; throws ArgsError with a message fit for a person. */
export function parseArgs(argv: readonly string[], opts: ParseOptions = {}): TillArgs {
  const out: TillArgs = { dataDir: '', port: DEFAULT_PORT, headless: false, bind: DEFAULT_BIND, help: false };
  let dataDir: string | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;

    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq > 0) throw new ArgsError(`${flag} takes no value`);
      if (flag === '--headless') out.headless = true;
      else out.help = true;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      if (opts.ignoreUnknown) continue;
      throw new ArgsError(`Unknown option "${arg}"\n\n${USAGE}`);
    }

    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new ArgsError(`${flag} needs a value`);

    switch (flag) {
      case '--data-dir':
        dataDir = value;
        break;
      case '--port':
        out.port = wholeNumber('--port', value, 0, 65535);
        break;
      case '--bind':
        if (!isLoopback(value)) {
          throw new ArgsError(
            `--bind ${value} is refused: Tillpoint only listens on this computer (127.0.0.1, ::1 or localhost) until LAN device pairing arrives`,
          );
        }
        out.bind = value.replace(/^\[(.*)\]$/, '$1');
        break;
      case '--thanks-ms':
        out.thanksMs = wholeNumber('--thanks-ms', value, 500, 120_000);
        break;
    }
  }
  out.dataDir = path.resolve(opts.cwd ?? process.cwd(), dataDir ?? defaultDataDir());
  return out;
}
