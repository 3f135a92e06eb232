// The till: storage, cart, sale, payments, catalog and customer display behind one handler per API method.
// Plain Node: the Electron shell and the headless host both serve these handlers.
//
// Creating a till is synchronous and never touches the network; start() then brings up what payments
// need (the notification listener, the embedded Demo gateway unless --gateway points elsewhere, the
// provider) and sweeps payments left open by the last run in the background. A provider that cannot be
// had leaves QR pay unavailable ('unreachable'); cash always works.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { TillError } from '../../shared/api';
import type { Settings } from '../../shared/domain';
import { EventBus } from '../core/bus';
import type { PayConfigFile, PaySettingsView, PayWallet } from '../../shared/pay-config';
import { type DataKey, fileSecretBox } from '../core/secrets';
import type { CallContext, Handlers } from '../core/types';
import { createRepos, DB_FILENAME, openDatabase } from '../db/index';
import { CHAIN_KEY_INFO } from '../db/journal-chain';
import { verifyJournalFile } from '../db/journal-verify';
import { transactionOf } from '../db/transaction';
import { type Gateway, startGateway } from '../gateway/index';
import { PayConfigError, PayCredentials } from '../payments/credentials';
import { Checkout, type CheckoutOptions } from '../payments/index';
import { type NotifyListener, startNotifyListener } from '../payments/notify';
import type { PaymentProvider } from '../payments/provider';
import { createDemoProvider, DEMO_PROVIDER_FILE } from '../payments/providers/demo/index';
import {
  testWallet,
  type WalletProblem,
  type WalletProviderOptions,
  walletProviders,
} from '../payments/providers/registry';
import { currentActor, guardHandlers } from './access';
import { Alerts } from './alerts';
import { Cart } from './cart';
import { Catalog, findAssetsDir } from './catalog';
import type { TillContext } from './context';
import { Display } from './display';
import { OpenOrder } from './open-order';
import { Printing, type PrintingOptions } from './printing';
import { type RefundOptions, Refunds } from './refunds';
import { type ScannerOptions, TillScanner } from './scanner';
import { Exports } from './exports';
import { Reconciliation } from './reconcile';
import { ShopSettings } from './settings';
import { Shifts } from './shifts';
import { KEEP_AFTER_Z_MS, type PdfMaker, Reports } from './reports';
import { journalTrail } from './trail';
import { ZReports } from './zreport';
import { OWNER_PIN_ENV, Staff, setupOwnerFromEnv } from './staff';

export { findAssetsDir } from './catalog';
export { seedProducts } from './seed';

export interface TillOptions {
  dataDir: string;
  mode: 'electron' | 'host';
  version: string;
  /** The till's time; tests move it. Defaults to the system clock. */
  clock?: () => Date;
  /** Overrides the till id stored in settings (first open stores "T1"). */
  tillId?: string;
  /** Where demo-catalog.csv is; defaults to assets/ in the package root (see findAssetsDir). */
  assetsDir?: string;
  /** better-sqlite3 addon built for Electron's ABI, when running inside Electron. */
  nativeBinding?: string;
  payments?: PaymentOptions;
  /**
   * The data key that seals secrets (core/secrets.ts openDataKey; the host and main.ts pass it). Absent
   * (tests, tools): a key file inside the data folder.
   */
  dataKey?: DataKey;
  /** --pay-config, already checked (payments/credentials.ts): stored sealed before anything starts. */
  payConfig?: PayConfigFile;
  /** The receipt printer: --printer, and the worker's timings (tests). */
  printing?: PrintingOptions;
  /** Save as PDF: the desktop app's PDF maker (the host has none). */
  reports?: { pdfMaker?: PdfMaker };
  /** The serial scanner: --scanner, and its retry timings (tests). */
  scanner?: ScannerOptions;
  /** Refunds' background checks (tests: loops off). */
  refunds?: RefundOptions;
  /** Where TILLPOINT_OWNER_PIN is read at the first start (default process.env; tests pass their own). */
  env?: Record<string, string | undefined>;
}

export interface PaymentOptions {
  /** An external Demo gateway's provider API (`npm run gateway`); default: start one inside the till. */
  gatewayUrl?: string;
  /** The embedded gateway's phone-page port (0: any free one). */
  payPort?: number;
  /** Bind address of the phone pages (default all interfaces: the customer's phone must reach them). */
  payBind?: string;
  /** Start of the URL inside the QR (default http://<LAN address>:<payPort>). */
  payUrl?: string;
  /** The embedded gateway serves its test controls (/sim; --sim-controls). Default false. */
  simControls?: boolean;
  /** Use this provider instead of the Demo gateway (tests: the scripted provider). */
  provider?: PaymentProvider;
  /** Use these providers (one QR each, side by side) instead of the Demo gateway (tests: wallets' mocks). */
  providers?: PaymentProvider[];
  /** Query intervals, sweep wait and loops (tests). */
  engine?: CheckoutOptions;
  /** false: no notification listener (providers are then confirmed by polling alone). */
  notify?: boolean;
  /** The real wallets' adapters (tests: stand-ins) and their request timeout. */
  wallets?: WalletProviderOptions;
}

/** What start() brought up, for the ready lines people read. */
export interface PaymentsInfo {
  /**
   * 'embedded': the Demo gateway inside this process; 'external': --gateway; 'custom': a provider passed in;
   * 'wallets': the shop's real wallets (Settings → Payments), listed in `wallets`.
   */
  kind: 'embedded' | 'external' | 'custom' | 'wallets' | 'none';
  /** The real wallets' provider ids ('alipay', 'wechat') when kind is 'wallets'. */
  wallets?: string[];
  gatewayUrl: string | null;
  /** Phone pages of the embedded gateway. */
  payUrl: string | null;
  /** Why payments are unavailable, when they are. */
  problem: string | null;
}

export interface Till {
  handlers: Handlers;
  bus: EventBus;
  db: Database;
  /** The payment engine (tests drive its steps and notifications directly). */
  checkout: Checkout;
  /** Receipts and the drawer (tests wait on its worker). */
  printing: Printing;
  /** The serial barcode scanner. */
  scanner: TillScanner;
  /** Staff accounts and who is signed in at this till. */
  staff: Staff;
  /** Refunds by line. */
  refunds: Refunds;
  /** The Z reports (the benchmark computes figures without saving). */
  zReports: ZReports;
  /** Reconciliation with the providers' bills (tests drive its timer's step). */
  reconciliation: Reconciliation;
  /** The owners' reports (the benchmark times them). */
  reports: Reports;
  /** Settings the operator gave on the command line (--thanks-ms): applied without a PIN, journaled. */
  commandLineSettings(patch: Partial<Settings>): Settings;
  /** Brings up payments; resolves once QR pay can be offered (or is known unavailable). Never rejects. */
  start(): Promise<void>;
  payments(): PaymentsInfo;
  /** Stops loops and listeners and closes the database at once; resolves when the sockets are closed. */
  close(): Promise<void>;
}

const TILL_ID_KEY = 'till.id';
const INSTALL_ID_KEY = 'till.installId';

export function createTill(opts: TillOptions): Till {
  const db = openDatabase(path.join(opts.dataDir, DB_FILENAME), { nativeBinding: opts.nativeBinding });
  try {
    return assemble(db, opts);
  } catch (err) {
    db.close();
    throw err;
  }
}

function assemble(db: Database, opts: TillOptions): Till {
  const repos = createRepos(db);
  // Sealed with the data key: wallet credentials, the Demo merchant key; and the journal chain's key.
  const secrets = opts.dataKey?.box ?? fileSecretBox(opts.dataDir);
  const chainKey = secrets.derive?.(CHAIN_KEY_INFO);
  if (chainKey) repos.journal.chainWith(chainKey, (opts.clock ?? (() => new Date()))().toISOString());
  const bus = new EventBus();
  // A short name for receipts and order numbers, and a random id for this install (for trade numbers
  // that must be unique across tills once payments go online).
  db.transaction(() => {
    if (repos.settings.get(TILL_ID_KEY) === undefined) repos.settings.set(TILL_ID_KEY, 'T1');
    if (repos.settings.get(INSTALL_ID_KEY) === undefined) {
      repos.settings.set(INSTALL_ID_KEY, randomBytes(8).toString('hex'));
    }
  })();
  const tillId = opts.tillId ?? repos.settings.get<string>(TILL_ID_KEY) ?? 'T1';
  const shop = new ShopSettings(repos.settings);
  const tx = transactionOf(db);
  const clock = opts.clock ?? (() => new Date());
  const staff = new Staff({ repos, tx, clock }, (status) => bus.emit('staff.changed', status));
  repos.journal.recordActor(currentActor);
  const ctx: TillContext = { db, repos, tx, settings: shop, bus, clock, tillId, staff };

  // First start with TILLPOINT_OWNER_PIN: the owner gets it (a bad value stops here, naming the variable).
  const recoveryCode = setupOwnerFromEnv(ctx, (opts.env ?? process.env)[OWNER_PIN_ENV]);
  if (recoveryCode) {
    console.log(
      `[staff] The owner's PIN was set from ${OWNER_PIN_ENV}. Recovery code (shown once, keep it safe): ${recoveryCode}`,
    );
  }

  const settings = () => shop.get();
  // The open order is owned by one module; the cart edits its lines, the payments pay it, the display
  // follows it. None of them knows the others.
  const openOrder = new OpenOrder(ctx);
  const cart = new Cart(ctx, openOrder);
  const checkout = new Checkout(ctx, openOrder, opts.payments?.engine);
  const printing = new Printing(ctx, openOrder, opts.printing);
  const scanner = new TillScanner(ctx, opts.scanner);
  const refunds = new Refunds(ctx, openOrder, checkout, printing, {
    loops: opts.payments?.engine?.loops,
    ...opts.refunds,
  });
  const zReports = new ZReports(ctx, printing);
  const shifts = new Shifts(ctx, printing);
  const exports = new Exports(ctx);
  const reconciliation = new Reconciliation(ctx, () => checkout.providers());
  let stopBillTimer: (() => void) | undefined;
  const reports = new Reports(ctx, opts.reports?.pdfMaker);
  // A while after a Z the year's ended months are summed ahead, so the owner's next long report reads kept pieces.
  let keepTimer: NodeJS.Timeout | undefined;
  const keepReportPiecesLater = () => {
    clearTimeout(keepTimer);
    keepTimer = setTimeout(() => {
      reports.keepPieces().catch((err: unknown) => console.warn('[reports] keeping report pieces failed:', err));
    }, KEEP_AFTER_Z_MS);
    keepTimer.unref();
  };
  const alerts = new Alerts(ctx);
  // Before anything is served: a receipt the last run was sending when it stopped is offered, not printed.
  printing.worker.recover();
  const display = new Display({
    bus,
    cart: () => openOrder.get(),
    settings,
    isDemo: () => catalog.isDemoData(),
    follow: (follower) => openOrder.follow(follower),
    wallets: (provider) => checkout.wallets(provider),
  });
  const catalog = new Catalog(ctx, () => {
    // Clearing the demo empties product_id on the lines that sold demo products, the open cart's too.
    openOrder.forget();
    display.refresh();
  });

  // An import a killed process left half-written is undone before anything is served.
  catalog.recoverImports();
  catalog.loadDemoIfNew(() => findAssetsDir(opts.assetsDir));
  // In the background, so the first search finds it ready and nothing waits for it now.
  void catalog.index.warm();

  function updateSettings(patch: Partial<Settings>): Settings {
    let changed: (keyof Settings)[];
    try {
      changed = db.transaction(() => {
        const changed = shop.write(patch);
        if (changed.length) {
          repos.journal.append(ctx.clock().toISOString(), 'settings.changed', {}, { changed, values: patch });
        }
        return changed;
      })();
    } finally {
      // Read again from what was committed, whether or not this write was.
      shop.forget();
    }
    const now = settings();
    if (changed.includes('currency')) cart.currencyChanged(now.currency);
    if (changed.includes('printer')) printing.settingsChanged();
    if (changed.includes('scannerSerial')) scanner.settingsChanged();
    if (changed.length) {
      bus.emit('settings.changed', now);
      display.refresh();
    }
    return now;
  }

  const handlers: Handlers = guardHandlers(
    sellingNeedsAShift({
      'app.info': () => ({
        name: 'Tillpoint',
        version: opts.version,
        mode: opts.mode,
        isDemoData: catalog.isDemoData(),
        dataDir: opts.dataDir,
        tillId,
        utcOffsetMinutes: -ctx.clock().getTimezoneOffset(),
      }),

      'settings.get': () => settings(),
      'settings.update': (patch) => {
        if (Object.keys(patch).some((k) => k !== 'language')) staff.authorize('settings');
        return updateSettings(patch);
      },

      'catalog.clearDemo': () => catalog.clearDemo(),
      'catalog.categories': () => catalog.categories(),
      'catalog.scanCache': ({ version }) => catalog.scanCache(version),

      'products.lookup': ({ barcode }) => catalog.lookup(barcode) ?? null,
      'products.search': (q) => catalog.search(q),
      'products.save': (input) => catalog.save(input),
      'products.importPreview': ({ csv }) => catalog.importPreview(csv),
      'products.import': ({ csv }) => catalog.import(csv),
      'products.exportCsv': () => catalog.exportCsv(),

      'cart.get': () => cart.get(),
      'cart.scan': ({ barcode, quantity }) => {
        const { product, label } = catalog.scan(barcode);
        // A label is one weighed item: a "×3" typed before it does not multiply it.
        return label ? cart.addWeighed(product, label) : cart.addProduct(product, quantity);
      },
      'cart.addProduct': ({ productId, quantity }) => cart.addProduct(catalog.byId(productId), quantity),
      'cart.addWeighed': ({ productId, weightGrams }) => cart.addTypedWeight(catalog.byId(productId), weightGrams),
      'cart.setQuantity': ({ lineId, quantity }) => cart.setQuantity(lineId, quantity),
      'cart.removeLine': ({ lineId }) => cart.removeLine(lineId),
      'cart.setLineDiscount': ({ lineId, discountMinor }) => cart.setLineDiscount(lineId, discountMinor),
      'cart.setOrderDiscount': ({ discountMinor }) => cart.setOrderDiscount(discountMinor),
      'cart.setPrice': ({ lineId, unitPriceMinor }) => cart.setUnitPrice(lineId, unitPriceMinor),
      'cart.void': () => cart.void(),
      'cart.hold': ({ label }) => cart.hold(label),
      'cart.recall': ({ orderId }) => cart.recall(orderId),
      'orders.held': () => cart.held(),

      'checkout.cash': ({ tenderedMinor, receipt }) => cart.checkoutCash(tenderedMinor, receipt),
      'checkout.cashPart': ({ amountMinor }) => checkout.cashPart(amountMinor),
      'pay.options': () => checkout.options(),
      // A refusal for being over a method's limit is journaled for the risk alerts (alerts.ts).
      'pay.start': ({ method, amountMinor }) => alerts.recordingOverLimit(() => checkout.start(method, amountMinor)),
      'pay.withCode': ({ code, amountMinor }) => alerts.recordingOverLimit(() => checkout.withCode(code, amountMinor)),
      'pay.current': () => checkout.current(),
      'pay.check': ({ paymentId }) => checkout.check(paymentId),
      'pay.cancel': ({ paymentId }) => checkout.cancel(paymentId),
      'pay.abandon': ({ paymentId }) => checkout.abandon(paymentId),
      'pay.confirmByHand': ({ paymentId }) => checkout.confirmByHand(paymentId),
      'pay.lookup': ({ number }) => checkout.lookup(number),
      'pay.startupReport': () => checkout.startupReport(),
      'attention.list': () => checkout.attentionList(),
      'attention.resolve': ({ paymentId, action }) => checkout.resolve(paymentId, action),
      'orders.today': ({ limit, beforeId }) => cart.today(limit, beforeId),
      'reports.exportCsv': ({ kind, fromDay, toDay }) => exports.csv(kind, fromDay, toDay),
      'reconcile.day': ({ day }) => reconciliation.day(day),
      'reconcile.refresh': ({ day }) => reconciliation.refresh(day),
      'reports.get': (input) => reports.get(input),
      'reports.printable': (input) => reports.printable(input),
      'reports.pdf': (input) => reports.pdf(input),
      'journal.trail': ({ orderId, ids }) => journalTrail(ctx, openOrder, orderId, ids),
      // Risk alerts (alerts.ts).
      'alerts.list': ({ fromDay, toDay }) => alerts.list(fromDay, toDay),
      'alerts.summary': () => alerts.summary(),
      'alerts.seen': () => alerts.seen(),

      'display.get': () => display.get(),
      'display.prompt': ({ prompt }) => display.ask(prompt),

      'paySettings.get': () => paySettingsView(),
      'paySettings.save': (input) => changeCredentials('saved', () => credentials.save(input)),
      'paySettings.remove': ({ wallet }) => changeCredentials('removed', () => credentials.remove(wallet)),
      'paySettings.import': ({ json }) => changeCredentials('imported', () => credentials.importText(json)),
      'paySettings.test': ({ wallet }) => testWallet(credentials.config(), wallet, pay.wallets),
      'paySettings.testPay': ({ wallet }) => checkout.testPayments.start(wallet === 'wechatpay' ? 'wechat' : 'alipay'),
      'paySettings.testPayCheck': ({ tradeNumber }) => checkout.testPayments.check(tradeNumber),
      'paySettings.testPayCancel': ({ tradeNumber }) => checkout.testPayments.cancel(tradeNumber),

      'printer.status': ({ refresh }) => printing.status(refresh),
      'printer.offers': () => printing.offers(),
      'printer.reprint': ({ orderId }) => printing.reprint(orderId),
      'printer.preview': ({ orderId, layout }) => printing.preview(orderId, layout),
      'printer.dismiss': ({ jobId }) => printing.dismiss(jobId),
      'printer.openDrawer': () => printing.openDrawer('no_sale'),
      'printer.testDrawer': () => printing.openDrawer('test'),
      'printer.testPage': () => printing.testPage(),
      'printer.targets': () => printing.targets(),

      'scanner.status': () => scanner.status(),
      'scanner.ports': () => scanner.ports(),
      'scanner.claim': ({ scanId }) => scanner.claim(scanId),

      // 'reports' (access.ts): an owner, or a cashier with the owner's approval. A year takes a while: its own
      // read-only connection, pausing between steps, so the till keeps selling.
      'journal.verify': async () => alerts.verified(await verifyJournalFile(db.name, chainKey ? [chainKey] : [])),
      'staff.status': () => staff.status(),
      'staff.setupOwner': ({ name, pin }) => staff.setupOwner(name, pin),
      'staff.unlock': ({ pin }) => staff.unlock(pin),
      'staff.lock': () => staff.lock(),
      'staff.list': () => staff.list(),
      'staff.save': (input) => staff.save(input),
      'staff.approve': ({ pin, action }) => staff.approve(pin, action),

      'refund.find': ({ text }) => refunds.find(text),
      'refund.preview': ({ orderId }) => refunds.preview(orderId),
      'refund.make': (input) => refunds.make(input),
      'refund.check': ({ ticketId }) => refunds.check(ticketId),

      // The Z report (日结).
      'z.checklist': () => zReports.checklist(),
      'z.make': (input) => {
        const z = zReports.make(input);
        keepReportPiecesLater();
        return z;
      },
      'z.list': () => zReports.list(),
      'z.get': ({ id }) => zReports.get(id),
      'z.reprint': ({ id }) => zReports.reprint(id),

      // Shifts (交班).
      'shift.open': ({ count }) => shifts.open(count),
      'shift.current': () => shifts.current(),
      'shift.cashMove': ({ kind, amountMinor, reason }) => shifts.cashMove(kind, amountMinor, reason),
      'shift.checklist': () => shifts.checklist(),
      'shift.close': (input) => shifts.close(input),
      'shift.report': ({ shiftId }) => shifts.report(shiftId),
      'shift.print': ({ shiftId }) => shifts.print(shiftId),
      'shift.list': ({ limit }) => shifts.list(limit),
    }),
    staff,
  );

  /**
   * Selling needs an open shift at this till: these refuse with SHIFT_NOT_OPEN before they read or write anything
   * (after the sign-in check, which guardHandlers makes first).
   */
  function sellingNeedsAShift(raw: Handlers): Handlers {
    for (const name of [
      'cart.scan',
      'cart.addProduct',
      'cart.addWeighed',
      'checkout.cash',
      'checkout.cashPart',
      'pay.start',
      'pay.withCode',
    ] as const) {
      const handler = raw[name] as (args: never, call: CallContext) => unknown;
      (raw as Record<string, unknown>)[name] = (args: never, call: CallContext) => {
        shifts.requireOpen();
        return handler(args, call);
      };
    }
    return raw;
  }

  // ---- wallet credentials (Settings → Payments, --pay-config) -----------------------------------------
  // Sealed with the data key; only masked views leave. The journal records that they changed, never what.
  const credentials = new PayCredentials(repos.settings, secrets);
  let walletProblems: WalletProblem[] = [];
  const paySettingsView = (): PaySettingsView => credentials.view(walletProblems, !credentials.hasWallet());
  function storeCredentials(action: string, change: () => PayWallet[]): void {
    db.transaction(() => {
      const wallets = change();
      repos.journal.append(
        ctx.clock().toISOString(),
        'settings.changed',
        {},
        { changed: ['payCredentials'], action, wallets },
      );
    })();
  }
  async function changeCredentials(action: string, change: () => PayWallet[]): Promise<PaySettingsView> {
    try {
      storeCredentials(action, change);
    } catch (err) {
      if (!(err instanceof PayConfigError)) throw err;
      throw new TillError('INVALID_INPUT', err.message, { fields: err.issues.map((i) => i.path).join(', ') });
    }
    await refreshWallets();
    return paySettingsView();
  }
  if (opts.payConfig) {
    const config = opts.payConfig;
    storeCredentials('imported', () => credentials.replace(config));
  }

  const pay = opts.payments ?? {};
  const info: PaymentsInfo = { kind: 'none', gatewayUrl: null, payUrl: null, problem: 'not started' };
  let listener: NotifyListener | undefined;
  let gateway: Gateway | undefined;
  let started: Promise<void> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  /** The Demo gateway's provider (or the one a test passed in), once started; offered only without real wallets. */
  let demo: { provider: PaymentProvider | null; info: PaymentsInfo } | undefined;
  let refreshing: Promise<void> = Promise.resolve();

  /** A Demo merchant key sealed with a data key we no longer have is set aside, so the adapter makes a new one. */
  function setAsideUnopenableDemoKey(): void {
    const file = path.join(opts.dataDir, DEMO_PROVIDER_FILE);
    let sealed: string;
    try {
      sealed = (JSON.parse(fs.readFileSync(file, 'utf8')) as { privateKey: string }).privateKey;
    } catch {
      return; // none yet, or unreadable: the adapter says so itself
    }
    try {
      secrets.open(sealed);
    } catch {
      fs.renameSync(file, `${file}.unopened-${Date.now()}`);
      console.warn('[pay] the Demo merchant key was sealed with another data key; a new one is made');
    }
  }

  async function startDemo(): Promise<{ provider: PaymentProvider | null; info: PaymentsInfo }> {
    if (pay.provider) return { provider: pay.provider, info: { ...info, kind: 'custom', problem: null } };
    if (pay.providers) return { provider: null, info: { ...info, kind: 'custom', problem: null } };
    const out: PaymentsInfo = { kind: 'none', gatewayUrl: null, payUrl: null, problem: null };
    try {
      let gatewayUrl = pay.gatewayUrl;
      if (!gatewayUrl) {
        gateway = await startGateway({
          stateDir: path.join(opts.dataDir, 'gateway'),
          payPort: pay.payPort ?? 0,
          payBind: pay.payBind,
          payUrl: pay.payUrl,
          simControls: pay.simControls ?? false,
          clock: opts.clock,
        });
        gatewayUrl = gateway.apiUrl;
        out.payUrl = gateway.payUrl;
      }
      setAsideUnopenableDemoKey();
      const provider = createDemoProvider({
        gatewayUrl,
        dataDir: opts.dataDir,
        merchantName: shop.get().shopName,
        secrets,
        timeoutMs: 5000,
      });
      return { provider, info: { ...out, kind: gateway ? 'embedded' : 'external', gatewayUrl } };
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      console.warn(`[pay] QR pay is unavailable: ${problem}`);
      return { provider: null, info: { ...out, problem } };
    }
  }

  /**
   * THE one place the wallet providers reach the payment engine: every real wallet set up (one QR each, side
   * by side), else (none set up) the Demo gateway; tests may pass their own providers.
   */
  function applyWalletProviders(providers: PaymentProvider[]): void {
    const notifyBase = listener?.baseUrl ?? null;
    if (pay.providers) {
      checkout.setProviders(pay.providers, notifyBase);
      return;
    }
    const fallback = credentials.hasWallet() ? null : (demo?.provider ?? null);
    checkout.setProviders(providers.length ? providers : fallback ? [fallback] : [], notifyBase);
  }

  /** Builds the wallet providers from the stored credentials and hands them over; at start and after each change. */
  function refreshWallets(): Promise<void> {
    if (!started) return Promise.resolve(); // start() does the first one
    const run = async () => {
      if (closed) return;
      const { providers, problems } = walletProviders(credentials.config(), pay.wallets);
      walletProblems = problems;
      for (const p of problems) console.warn(`[pay] ${p.wallet} is not offered: ${p.message}`);
      // Once a real wallet is set up the Demo gateway is not offered; it starts only when none is.
      if (!credentials.hasWallet() && !demo) demo = await startDemo();
      if (closed) return;
      if (providers.length) {
        Object.assign(info, { kind: 'wallets', wallets: providers.map((p) => p.id), problem: null });
      } else if (credentials.hasWallet()) {
        const why = problems.map((p) => `${p.wallet}: ${p.message}`).join('; ');
        Object.assign(info, {
          kind: 'none',
          wallets: undefined,
          problem: why || 'the wallet credentials must be entered again (Settings → Payments)',
        });
      } else if (demo) Object.assign(info, demo.info, { wallets: undefined });
      applyWalletProviders(providers);
    };
    refreshing = refreshing.then(run, run);
    return refreshing;
  }

  async function startPayments(): Promise<void> {
    if (pay.notify !== false) {
      try {
        listener = await startNotifyListener((providerId, n) => checkout.notify(providerId, n));
      } catch (err) {
        // Polling is the path of record; notifications only make it faster.
        console.warn('[pay] no notification listener:', (err as Error).message);
      }
    }
    if (closed) return;
    await refreshWallets();
    if (closed) return;
    // In the background: a slow provider must not hold up the till.
    void checkout.sweep().catch((err) => console.error('[pay] startup check failed', err));
    void refunds.resume().catch((err) => console.error('[refund] startup check failed', err));
  }

  return {
    handlers,
    bus,
    db,
    checkout,
    printing,
    scanner,
    staff,
    refunds,
    zReports,
    reconciliation,
    reports,
    commandLineSettings: updateSettings,
    start() {
      if (!started && !closed) {
        printing.start();
        scanner.start();
        // Bills not ready yet (wallets publish them the next morning) are fetched again every ~30 min.
        stopBillTimer = reconciliation.startBillTimer();
      }
      started ??= Promise.resolve()
        .then(startPayments)
        .catch((err) => {
          info.problem = String(err);
          console.error('[pay] start failed', err);
        });
      return started;
    },
    payments: () => ({ ...info }),
    close() {
      if (closing) return closing;
      closed = true;
      stopBillTimer?.();
      clearTimeout(keepTimer);
      printing.close();
      const scannerClosed = scanner.close();
      checkout.close();
      refunds.close();
      catalog.close();
      display.close();
      db.close();
      closing = (async () => {
        await started;
        await refreshing;
        await Promise.all([listener?.close(), gateway?.close(), scannerClosed]);
      })();
      return closing;
    },
  };
}
