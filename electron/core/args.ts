// Command-line flags shared by the headless host (electron/host/cli.ts) and the desktop app (electron/main.ts).
import { isIP } from 'node:net';
import path from 'node:path';
import { isAvailableScheme, PrinterUriError, parsePrinterUri } from '../../shared/printer';
import { parseScannerUri } from '../../shared/scanner';
import { defaultDataDir } from './paths';

export const DEFAULT_PORT = 4870;
export const DEFAULT_BIND = '127.0.0.1';
/** The phone pages must be reachable from the customer's phone on the shop's network. */
export const DEFAULT_PAY_BIND = '0.0.0.0';

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
  /** The Demo gateway's phone pages (and nothing else): port + 1 by default, 0 with --port 0. */
  payPort: number;
  payBind: string;
  /** Start of the URL inside the QR; default http://<LAN address>:<payPort>. */
  payUrl?: string;
  /** An external Demo gateway (`npm run gateway`) instead of the embedded one. */
  gatewayUrl?: string;
  /** The embedded Demo gateway serves its test controls (/sim); tests only, ignored by a packaged app. */
  simControls: boolean;
  /** --pay-config FILE (absolute): wallet credentials to check and store, sealed, before the till starts. */
  payConfig?: string;
  /** --key-file PATH (absolute): the data key for a till without the OS keychain (default: see secrets.ts). */
  keyFile?: string;
  /** --printer URI: the receipt printer for this run, instead of the one in Settings. */
  printer?: string;
  /** --scanner URI: the serial barcode scanner for this run, instead of the one in Settings. */
  scanner?: string;
  help: boolean;
}

export const USAGE = `Usage: tillpoint [options]

  --data-dir DIR   where the shop's data lives (default: ${defaultDataDir()})
  --port N         port for the headless host, 0..65535, 0 = any free port (default: ${DEFAULT_PORT})
  --headless       run without windows: serve the cashier to a browser
  --bind ADDR      address to listen on (default: ${DEFAULT_BIND}); only loopback addresses
                   (127.x.x.x, ::1, localhost) are accepted until LAN pairing exists
  --thanks-ms N    how long the customer display shows thanks, in ms (overrides the setting; for tests)
  --pay-port N     port of the Demo gateway's phone pages, which serve nothing else
                   (default: --port + 1; 0 with --port 0)
  --pay-bind ADDR  address the phone pages listen on (default: ${DEFAULT_PAY_BIND}, so a phone on the
                   shop's network can open them)
  --pay-url URL    start of the URL inside the payment QR, http(s)
                   (default: http://<this computer's LAN address>:<pay-port>)
  --gateway URL    use a Demo gateway started on its own (npm run gateway) instead of the built-in one
  --sim-controls   the built-in Demo gateway serves its test controls (/sim: faults, trades, pay) on its
                   API port, for tests and benchmarks (default: off; never in the packaged app)
  --pay-config FILE  import the Alipay / WeChat Pay credentials from a JSON file (see README:
                   "Real wallets"), stored sealed; a file with a mistake changes nothing and stops
  --key-file PATH  where the key that seals secrets is kept when the OS keychain is not used
                   (default: a file in the "Tillpoint Keys" folder beside the default data folder)
  --printer URI    the receipt printer for this run: tcp://HOST:9100 (a network printer), file:PATH
                   (a device such as /dev/usb/lp0, or a file to append to), serial:PORT?baud=9600,
                   cups:QUEUE, win:PRINTER, or system:NAME (the desktop app only)
  --scanner URI    the serial barcode scanner for this run: serial:/dev/ttyUSB1?baud=9600 or
                   serial:COM4?baud=9600
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

const VALUE_FLAGS = new Set([
  '--data-dir',
  '--port',
  '--bind',
  '--thanks-ms',
  '--pay-port',
  '--pay-bind',
  '--pay-url',
  '--gateway',
  '--pay-config',
  '--key-file',
  '--printer',
  '--scanner',
]);

function httpUrl(flag: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ArgsError(`${flag} must be an http:// or https:// URL (got "${raw}")`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ArgsError(`${flag} must be an http:// or https:// URL (got "${raw}")`);
  }
  return raw.replace(/\/+$/, '');
}
const BOOLEAN_FLAGS = new Set(['--headless', '--sim-controls', '--help', '-h']);

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
  const out: TillArgs = {
    dataDir: '',
    port: DEFAULT_PORT,
    headless: false,
    bind: DEFAULT_BIND,
    payPort: 0,
    payBind: DEFAULT_PAY_BIND,
    simControls: false,
    help: false,
  };
  let dataDir: string | undefined;
  let payPort: number | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;

    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq > 0) throw new ArgsError(`${flag} takes no value`);
      if (flag === '--headless') out.headless = true;
      else if (flag === '--sim-controls') out.simControls = true;
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
      case '--pay-port':
        payPort = wholeNumber('--pay-port', value, 0, 65535);
        break;
      case '--pay-bind': {
        const addr = value.replace(/^\[(.*)\]$/, '$1');
        if (!isIP(addr) && addr !== 'localhost') {
          throw new ArgsError(`--pay-bind must be an IP address such as 0.0.0.0 or 127.0.0.1 (got "${value}")`);
        }
        out.payBind = addr;
        break;
      }
      case '--pay-url':
        out.payUrl = httpUrl('--pay-url', value);
        break;
      case '--gateway':
        out.gatewayUrl = httpUrl('--gateway', value);
        break;
      case '--pay-config':
        out.payConfig = path.resolve(opts.cwd ?? process.cwd(), value);
        break;
      case '--key-file':
        out.keyFile = path.resolve(opts.cwd ?? process.cwd(), value);
        break;
      case '--printer': {
        let target: ReturnType<typeof parsePrinterUri>;
        try {
          target = parsePrinterUri(value);
        } catch (err) {
          if (err instanceof PrinterUriError) throw new ArgsError(`--printer: ${err.message}`);
          throw err;
        }
        if (!isAvailableScheme(target)) {
          throw new ArgsError(`--printer ${value}: ${target.scheme}: printers are not available in this build yet`);
        }
        out.printer = value.trim();
        break;
      }
      case '--scanner':
        try {
          parseScannerUri(value);
        } catch (err) {
          if (err instanceof PrinterUriError) throw new ArgsError(`--scanner: ${err.message}`);
          throw err;
        }
        out.scanner = value.trim();
        break;
    }
  }
  if (payPort === undefined) {
    if (out.port === 65535) throw new ArgsError('--port 65535 leaves no port for the phone pages; pass --pay-port');
    payPort = out.port === 0 ? 0 : out.port + 1;
  }
  if (payPort !== 0 && payPort === out.port) throw new ArgsError(`--pay-port ${payPort} is the till's own --port`);
  out.payPort = payPort;
  out.dataDir = path.resolve(opts.cwd ?? process.cwd(), dataDir ?? defaultDataDir());
  return out;
}
