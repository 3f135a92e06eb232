// `npm run gateway -- [--port N] [--pay-port N] [--pay-bind ADDR] [--pay-url URL] [--state-dir DIR] [--sim-controls]
// [--bill-ready-hour H]`:
// the Demo gateway as its own process, so it stays alive while a till stops or crashes (`--gateway URL` points
// the host at it). Prints exactly one ready line, which tests parse; stops cleanly on SIGINT/SIGTERM.
import path from 'node:path';
import { defaultDataDir } from '../core/paths';
import { type Gateway, startGateway } from './index';

const USAGE = `Usage: npm run gateway -- [options]
  --port N          provider API and fault controls on 127.0.0.1 (default 4880; 0 = any free port)
  --pay-port N      phone pages (default: port + 1; 0 = any free port)
  --pay-bind ADDR   address the phone pages listen on (default 0.0.0.0: phones on the shop Wi-Fi)
  --pay-url URL     start of the URL inside the QR (default http://<LAN address>:<pay port>)
  --state-dir DIR   the gateway's state file (default: ${path.join(defaultDataDir(), 'gateway-standalone')})
  --sim-controls    serve the test controls (/sim: faults, trades, pay, bills) on the API port; for tests and
                    benchmarks only (default: off, /sim answers 404)
  --bill-ready-hour H  the Beijing hour (0-23) of the next day at which a day's bill is ready (default 9)
  --quiet           print only the ready line`;

interface CliArgs {
  port: number;
  payPort: number;
  payBind: string;
  payUrl?: string;
  stateDir: string;
  simControls: boolean;
  billReadyHour?: number;
  quiet: boolean;
}

function parsePort(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n > 65535) throw new Error(`${flag} needs a port number 0-65535`);
  return n;
}

function parseCli(argv: string[]): CliArgs | 'help' {
  const out: Partial<CliArgs> = { quiet: false, simControls: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--port':
        out.port = parsePort(flag, value());
        break;
      case '--pay-port':
        out.payPort = parsePort(flag, value());
        break;
      case '--pay-bind':
        out.payBind = value();
        break;
      case '--pay-url': {
        const v = value();
        if (!v || !/^https?:\/\//.test(v)) throw new Error('--pay-url needs an http(s) URL');
        out.payUrl = v;
        break;
      }
      case '--state-dir':
        out.stateDir = value();
        if (!out.stateDir) throw new Error('--state-dir needs a folder');
        break;
      case '--quiet':
        out.quiet = true;
        break;
      case '--bill-ready-hour': {
        const v = value();
        if (v === undefined || !/^\d{1,2}$/.test(v) || Number(v) > 23)
          throw new Error('--bill-ready-hour needs an hour 0-23');
        out.billReadyHour = Number(v);
        break;
      }
      case '--sim-controls':
        if (inline !== undefined) throw new Error('--sim-controls takes no value');
        out.simControls = true;
        break;
      default:
        throw new Error(`Unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  const port = out.port ?? 4880;
  return {
    port,
    payPort: out.payPort ?? (port === 0 ? 0 : port + 1),
    payBind: out.payBind ?? '0.0.0.0',
    payUrl: out.payUrl,
    stateDir: path.resolve(out.stateDir ?? path.join(defaultDataDir(), 'gateway-standalone')),
    simControls: out.simControls ?? false,
    billReadyHour: out.billReadyHour,
    quiet: out.quiet ?? false,
  };
}

async function main(): Promise<void> {
  let args: CliArgs | 'help';
  try {
    args = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  const quiet = args.quiet;
  let gateway: Gateway;
  try {
    gateway = await startGateway({
      stateDir: args.stateDir,
      port: args.port,
      payPort: args.payPort,
      payBind: args.payBind,
      payUrl: args.payUrl,
      simControls: args.simControls,
      billReadyHour: args.billReadyHour,
      log: (line) => {
        if (!quiet) console.log(`[gateway] ${line}`);
      },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'a port is in use; pass --port / --pay-port' : String(err);
    console.error(`Demo gateway could not start: ${why}`);
    process.exit(1);
  }
  console.log(`Demo gateway ready at ${gateway.apiUrl} (phone pages: ${gateway.payUrl})`);

  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      gateway.close().then(
        () => process.exit(0),
        (err) => {
          console.error('Demo gateway could not stop cleanly:', err);
          process.exit(1);
        },
      );
    });
  }
}

void main();
