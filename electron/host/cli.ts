// `npm run host` / `node out/host/host.mjs`: the till without Electron, served to a browser.
// Prints one ready line that people click and tests parse; exits 1 with a plain message when it cannot start.
import { ArgsError, parseArgs, USAGE } from '../core/args';
import { acquireDataDirLock, type DataDirLock } from '../core/lock';
import { packageVersion } from '../core/paths';
import { makePrivateDir } from '../core/private-dir';
import { openDataKey } from '../core/secrets';
import type { PayConfigFile } from '../../shared/pay-config';
import { PayConfigError, readPayConfigFile } from '../payments/credentials';
import { createTill, type Till } from '../till/index';
import { type Host, startHost } from './server';

function version(): string {
  try {
    return packageVersion();
  } catch {
    return '0.0.0';
  }
}

/** A message for a person, not a stack trace, for the failures someone starting the till can fix. */
function explain(err: unknown, port: number): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return `Port ${port} is in use; pass --port`;
  if (code === 'EACCES') return `Port ${port} needs special permission; pass --port`;
  return err instanceof Error ? err.message : String(err);
}

async function main(argv: string[]): Promise<void> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  // --pay-config is checked whole before anything is opened: a file with a mistake changes nothing.
  let payConfig: PayConfigFile | undefined;
  if (args.payConfig) {
    try {
      payConfig = readPayConfigFile(args.payConfig);
    } catch (err) {
      if (!(err instanceof PayConfigError)) throw err;
      console.error(`Tillpoint did not start: the wallet credentials were not imported.\n${err.message}`);
      process.exit(1);
    }
  }

  let lock: DataDirLock | undefined;
  let till: Till | undefined;
  let host: Host | undefined;
  let stopping = false;

  async function stop(code: number): Promise<never> {
    stopping = true;
    try {
      await host?.close();
      await till?.close();
    } finally {
      lock?.release();
    }
    process.exit(code);
  }

  // Last resort for an exit we did not plan (process.exit elsewhere): never leave our lock behind.
  process.on('exit', () => lock?.release());

  try {
    makePrivateDir(args.dataDir);
    lock = acquireDataDirLock(args.dataDir, 'host');
    const dataKey = openDataKey({ dataDir: args.dataDir, keyFile: args.keyFile });
    if (dataKey.state === 'replaced') {
      console.warn(`secrets: a new key was made (${dataKey.problem}); wallet credentials must be entered again`);
    }
    till = createTill({
      dataKey,
      payConfig,
      dataDir: args.dataDir,
      mode: 'host',
      version: version(),
      payments: {
        gatewayUrl: args.gatewayUrl,
        payPort: args.payPort,
        payBind: args.payBind,
        payUrl: args.payUrl,
        simControls: args.simControls,
      },
      printing: args.printer ? { printerUri: args.printer } : undefined,
      scanner: args.scanner ? { scannerUri: args.scanner } : undefined,
    });
    if (args.thanksMs !== undefined) {
      till.commandLineSettings({ displayThanksMs: args.thanksMs });
    }
    host = await startHost({ till, port: args.port, bind: args.bind });
    await till.start();
  } catch (err) {
    console.error(`Tillpoint could not start: ${explain(err, args.port)}`);
    await stop(1);
    return;
  }

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      console.log('Tillpoint is stopping');
      stop(0).catch((err) => {
        console.error('Tillpoint could not stop cleanly:', err);
        process.exit(1);
      });
    });
  }

  console.log(`Tillpoint is ready at ${host.url} (customer display: ${host.url}customer)`);
  console.log(`data: ${args.dataDir}`);
  console.log(paymentsLine(till.payments()));
  if (args.printer) console.log(`printer: ${args.printer} (--printer)`);
  if (args.scanner) console.log(`scanner: ${args.scanner} (--scanner)`);
  if (payConfig) {
    const wallets = (['alipay', 'wechatpay'] as const).filter((w) => payConfig[w]);
    console.log(`pay config: ${wallets.join(', ') || 'no wallets'} imported from ${args.payConfig}`);
  }
  const p = till.payments();
  // The embedded gateway's own API (loopback), and whether its test controls are on (--sim-controls).
  if (p.kind === 'embedded') {
    console.log(`gateway API: ${p.gatewayUrl}${args.simControls ? ' (test controls on at /sim: for tests only)' : ''}`);
  } else if (args.simControls) {
    console.warn('--sim-controls applies to the built-in Demo gateway; start `npm run gateway` with it instead');
  }
}

function paymentsLine(p: ReturnType<Till['payments']>): string {
  if (p.kind === 'embedded') return `payments: Demo gateway, phone pages at ${p.payUrl}`;
  if (p.kind === 'external') return `payments: gateway at ${p.gatewayUrl}`;
  if (p.kind === 'wallets') return `payments: ${(p.wallets ?? []).join(', ')}`;
  return `payments: unavailable (${p.problem ?? 'no provider'}); cash still works`;
}

main(process.argv.slice(2)).catch((err) => {
  console.error('Tillpoint stopped on an unexpected error:', err);
  process.exit(1);
});
