// THE API contract. Every method's input and output schema and every push event live here; the main
// router, the headless host, the preload and the renderer's client all derive from this one object.
import { z } from 'zod';
import {
  AppInfo,
  Barcode,
  DisplayPrompt,
  DisplayState,
  HeldOrder,
  Id,
  ImportPreview,
  Minor,
  Order,
  OrderStatus,
  Payment,
  PaymentAttention,
  Product,
  ProductInput,
  Quantity,
  Settings,
  WalletMethod,
} from './domain';
import { ConnectionTestView, PaySettingsSave, PaySettingsView, PayWallet } from './pay-config';
import { PrinterSettings, PrinterStatus, PrinterTargets, PrintOffer, ReceiptPreview } from './printer';
import { MAX_TYPED_WEIGHT_GRAMS } from './scale';
import { ReconcileDay, ReconcileDayInput } from './reconcile';
import { RefundMakeInput, RefundPreview, RefundResult } from './refund';
import { JournalTrail, PrintableReport, PrintableReportInput, Report, ReportRange } from './report';
import { Alert, AlertSummary } from './alerts';
import { ScannerStatus, SerialPortList } from './scanner';
import { shiftMethods } from './shift-api';
import { Pin, StaffAction, StaffApproval, StaffMember, StaffName, StaffPerson, StaffStatus } from './staff';
import { Uuid, ZChecklist, ZDecision, ZReport, ZSummary } from './zreport-view';

const Empty = z.object({}).strict();
const Csv = z.string().max(5_000_000);
const PaymentRef = z.object({ paymentId: Id }).strict();
/** What a scanner reads off a customer's wallet (checked again against the providers' prefixes in main). */
const PaymentCode = z
  .string()
  .trim()
  .regex(/^\d{16,24}$/, '16 to 24 digits');

/**
 * The open cart and its latest payment attempt (open, or just ended), as the checkout screens show them.
 * `order` is the payment's own order as stored (the cart while it is open, the completed order after);
 * the cart when there is no payment.
 */
export const PayView = z.object({
  cart: Order,
  payment: Payment.nullable(),
  order: Order,
  /** The payment's checkout round: the QR trades shown side by side (one per wallet), or just the payment. */
  group: z.array(Payment),
});
export type PayView = z.infer<typeof PayView>;

/** A "Pay ¥0.01 yourself" test trade as Settings → Payments shows it. */
export const TestPayView = z.object({
  provider: z.string(),
  tradeNumber: z.string(),
  qrContent: z.string().nullable(),
  expiresAt: z.string(),
  state: z.enum(['waiting', 'paid', 'refunded', 'refund_pending', 'closed', 'failed']),
  detail: z.string().nullable(),
});
export type TestPayView = z.infer<typeof TestPayView>;

/** Whether a method can be used now, and its limit, shown before any trade is created. */
export const PayOption = z.object({
  method: WalletMethod,
  available: z.boolean(),
  /** Why not, as a code the UI translates: 'unreachable', 'not_configured', 'currency', 'over_limit'. */
  reason: z.string().nullable(),
  provider: z.string().nullable(),
  minMinor: Minor,
  maxMinor: Minor,
  isDemo: z.boolean(),
});
export type PayOption = z.infer<typeof PayOption>;

/** One wallet provider behind "QR pay" (Alipay, WeChat Pay, or the Demo gateway), and whether it can take this order. */
export const WalletOption = z.object({
  provider: z.string(),
  /** The wallets that scan its QR, e.g. ['alipay']. */
  wallets: z.array(z.string()),
  available: z.boolean(),
  /** Why not: 'unreachable', 'currency', 'over_limit'. */
  reason: z.string().nullable(),
  isDemo: z.boolean(),
});
export type WalletOption = z.infer<typeof WalletOption>;

/** A trade as the provider sees it (electron/payments/provider.ts TradeStatus). */
export const TradeStatus = z.enum(['waiting', 'user_paying', 'paid', 'closed', 'failed', 'refunded', 'not_found']);
export type TradeStatus = z.infer<typeof TradeStatus>;

/**
 * "I paid!" at the counter: our trade number, or the provider's number from the customer's wallet
 * (Alipay 支付宝交易号, WeChat Pay 微信支付订单号).
 */
const LookupNumber = z
  .string()
  .trim()
  .min(6)
  .max(64)
  .regex(/^[0-9A-Za-z_\-|*]+$/, 'letters, digits, _ - | *');

/** The provider's answer to a look-up, and our payment when the trade is ours. */
export const PayLookup = z.object({
  /** The provider knows the trade (false: not found at any wallet asked). */
  found: z.boolean(),
  /** The provider that answered ('alipay', 'wechat', 'demo'); null when none knew the number. */
  provider: z.string().nullable(),
  isDemo: z.boolean(),
  /** The providers asked (empty: none can look a provider's number up). */
  asked: z.array(z.string()),
  /** Our trade number as the provider holds it. */
  tradeNumber: z.string().nullable(),
  providerRef: z.string().nullable(),
  status: TradeStatus,
  amountMinor: Minor.nullable(),
  paidAt: z.string().nullable(),
  /** Our payment for this trade as stored after the look-up (settled when the provider said paid). */
  ours: Payment.nullable(),
  orderNumber: z.string().nullable(),
});
export type PayLookup = z.infer<typeof PayLookup>;

export const AttentionItem = z.object({
  payment: Payment,
  /** Its latest refund: number, status, and the provider's code when it did not go through (e.g. ABNORMAL). */
  refund: z
    .object({
      refundNumber: z.string(),
      status: z.enum(['requested', 'processing', 'refunded', 'failed']),
      failure: z.string().nullable(),
    })
    .nullable(),
  /** Why it is listed; 'paid_twice': another trade of its checkout round paid first, so it is refunded. */
  reason: z.enum([...PaymentAttention.options, 'paid_twice']),
  orderId: Id,
  orderNumber: z.string(),
  orderStatus: OrderStatus,
  orderTotalMinor: Minor,
  /** What the cashier may do now. */
  actions: z.array(z.enum(['refund', 'apply', 'check', 'dismiss'])),
});
export type AttentionItem = z.infer<typeof AttentionItem>;

/** What the startup check found for the payments the last run left open, shown to the cashier once. */
export const StartupReport = z.object({
  /** When this run of the till started: a screen shows each report once. */
  startedAt: z.string(),
  /** False while the check is still asking the providers (it gives up after about 5 s). */
  done: z.boolean(),
  /** Settled by the check: paid (the sale completed, or it is a late payment) or closed unpaid. */
  settled: z.array(z.object({ payment: Payment, orderNumber: z.string(), orderStatus: OrderStatus })),
  /** Still open after the check: on the attention list, their orders held and locked. */
  unsettled: z.number().int().min(0),
});
export type StartupReport = z.infer<typeof StartupReport>;

/**
 * The largest request a method takes, in bytes of JSON, refused before anything is parsed: nothing but a
 * CSV file needs more than a few kB, and parsing megabytes of keys would hold every other call.
 */
export const MAX_BODY_BYTES = 64 * 1024;
/** The CSV methods: a whole catalog file. */
export const MAX_CSV_BODY_BYTES = 5 * 1024 * 1024;

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, maxBodyBytes = MAX_BODY_BYTES) {
  return { input, output, maxBodyBytes };
}

/**
 * What the page needs to draw a scan before the till answers (catalog.scanCache): every product's barcode,
 * id, names, price, tax and flags, one array per field (row i of each is one product), so 100k products are
 * a few MB of JSON and no objects. `version` names the catalog's state; asking again with it answers
 * `unchanged` and no rows when nothing was written since.
 */
export const SCAN_CACHE_FLAGS = { active: 1, soldByWeight: 2, isDemo: 4 } as const;
export const ScanCache = z.union([
  z.object({ version: z.string(), unchanged: z.literal(true) }),
  z.object({
    version: z.string(),
    unchanged: z.literal(false),
    ids: z.array(z.number().int()),
    barcodes: z.array(z.string()),
    names: z.array(z.string()),
    namesEn: z.array(z.string()),
    prices: z.array(z.number().int()),
    taxRates: z.array(z.number().int()),
    /** SCAN_CACHE_FLAGS, or'ed. */
    flags: z.array(z.number().int()),
  }),
]);
export type ScanCache = z.infer<typeof ScanCache>;

/** "Verify journal" (electron/db/journal-verify.ts): the chain per segment, and orders against the journal. */
export const JournalVerifyReport = z.object({
  ok: z.boolean(),
  entries: z.number().int(),
  segments: z.array(
    z.object({
      id: z.number().int(),
      reason: z.enum(['first', 'key_changed', 'upgraded']),
      fingerprint: z.string(),
      from: z.number().int(),
      to: z.number().int(),
      verified: z.boolean(),
      why: z.string().nullable(),
    }),
  ),
  firstBad: z.object({ entryId: z.number().int(), why: z.string() }).nullable(),
  problems: z.array(z.object({ entryId: z.number().int(), why: z.string() })),
  orders: z.object({
    checked: z.number().int(),
    lines: z.number().int(),
    payments: z.number().int(),
    refunds: z.number().int(),
    differing: z.number().int(),
    firstBad: z.object({ orderId: z.number().int(), number: z.string(), why: z.string() }).nullable(),
  }),
  head: z.object({ entryId: z.number().int(), mac: z.string().nullable(), short: z.string().nullable() }).nullable(),
});
export type JournalVerifyReport = z.infer<typeof JournalVerifyReport>;

export const api = {
  'app.info': method(Empty, AppInfo),

  'settings.get': method(Empty, Settings),
  'settings.update': method(Settings.partial().strict(), Settings),

  'catalog.clearDemo': method(Empty, z.object({ removedProducts: z.number().int() })),
  'catalog.categories': method(Empty, z.array(z.object({ name: z.string(), count: z.number().int() }))),
  'catalog.scanCache': method(z.object({ version: z.string().max(64).optional() }).strict(), ScanCache),

  'products.lookup': method(z.object({ barcode: Barcode }).strict(), Product.nullable()),
  'products.search': method(
    z
      .object({
        query: z.string().max(64).default(''),
        category: z.string().max(40).optional(),
        includeInactive: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(60),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      })
      .strict(),
    z.object({ items: z.array(Product), total: z.number().int() }),
  ),
  'products.save': method(ProductInput.strict(), Product),
  'products.importPreview': method(z.object({ csv: Csv }).strict(), ImportPreview, MAX_CSV_BODY_BYTES),
  'products.import': method(
    z.object({ csv: Csv }).strict(),
    z.object({
      created: z.number().int(),
      updated: z.number().int(),
      skipped: z.number().int(),
      preview: ImportPreview,
    }),
    MAX_CSV_BODY_BYTES,
  ),
  'products.exportCsv': method(Empty, z.object({ csv: z.string(), filename: z.string() })),

  'cart.get': method(Empty, Order),
  'cart.scan': method(z.object({ barcode: Barcode, quantity: Quantity.default(1) }).strict(), Order),
  'cart.addProduct': method(z.object({ productId: Id, quantity: Quantity.default(1) }).strict(), Order),
  /** A sold-by-weight product with a weight the cashier typed (1 g to 99.999 kg), priced as a scale label is. */
  'cart.addWeighed': method(
    z.object({ productId: Id, weightGrams: z.number().int().min(1).max(MAX_TYPED_WEIGHT_GRAMS) }).strict(),
    Order,
  ),
  'cart.setQuantity': method(z.object({ lineId: Id, quantity: Quantity }).strict(), Order),
  'cart.removeLine': method(z.object({ lineId: Id }).strict(), Order),
  'cart.setLineDiscount': method(z.object({ lineId: Id, discountMinor: Minor }).strict(), Order),
  'cart.setOrderDiscount': method(z.object({ discountMinor: Minor }).strict(), Order),
  /** Sells a line at another unit price (a price override): the owner's, or a cashier's with their approval. */
  'cart.setPrice': method(z.object({ lineId: Id, unitPriceMinor: Minor }).strict(), Order),
  'cart.void': method(Empty, Order),
  'cart.hold': method(z.object({ label: z.string().trim().max(40).optional() }).strict(), Order),
  'cart.recall': method(z.object({ orderId: Id }).strict(), Order),
  'orders.held': method(Empty, z.array(HeldOrder)),

  'checkout.cash': method(
    // receipt: this sale's choice (default: the printer setting's "no receipt" default).
    z.object({ tenderedMinor: Minor, receipt: z.boolean().optional() }).strict(),
    z.object({ order: Order, changeMinor: Minor, cart: Order }),
  ),
  /** Methods, availability and limits for the open cart's amount due. */
  'pay.options': method(
    Empty,
    z.object({ dueMinor: Minor, options: z.array(PayOption), wallets: z.array(WalletOption) }),
  ),
  /** Starts a QR (provider or bank) for `amountMinor` (default: all that is due); the cart locks. */
  'pay.start': method(z.object({ method: z.enum(['qr', 'bank_qr']), amountMinor: Minor.optional() }).strict(), PayView),
  /** Charges the customer's payment code read by the scanner (B-scan-C). */
  'pay.withCode': method(z.object({ code: PaymentCode, amountMinor: Minor.optional() }).strict(), PayView),
  /** The open cart and its latest attempt as stored; the checkout screen polls this about once a second. */
  'pay.current': method(Empty, PayView),
  /** Asks the provider now instead of waiting for the next query. */
  'pay.check': method(PaymentRef, PayView),
  /** Closes the trade at the provider; the cart unlocks once the close is confirmed. */
  'pay.cancel': method(PaymentRef, PayView),
  /** Stops waiting for a provider that does not answer: the attempt goes to the attention list, the cart unlocks. */
  'pay.abandon': method(PaymentRef, PayView),
  /** Bank QR only: the cashier checked the shop's bank app and saw the money arrive. */
  'pay.confirmByHand': method(PaymentRef, PayView),
  /**
   * "I paid!": asks the provider about a trade by our trade number or the provider's own number. Never marks a
   * payment paid by hand; an open payment the provider says is paid is settled the usual way (a query).
   */
  'pay.lookup': method(z.object({ number: LookupNumber }).strict(), PayLookup),
  /** Records part of the total in cash (split tender); the rest is paid another way. */
  'checkout.cashPart': method(z.object({ amountMinor: Minor }).strict(), PayView),
  /** The startup check of payments left open by the last run (see StartupReport). */
  'pay.startupReport': method(Empty, StartupReport),
  'attention.list': method(Empty, z.array(AttentionItem)),
  'attention.resolve': method(
    z.object({ paymentId: Id, action: z.enum(['refund', 'apply', 'check', 'dismiss']) }).strict(),
    z.array(AttentionItem),
  ),

  /**
   * CSV for the accountant (UTF-8 with BOM, amounts as plain numbers in major units, text neutralised against
   * formulas): the orders, lines or payments of the business days fromDay..toDay. Reports: the owner's.
   */
  'reports.exportCsv': method(
    z
      .object({
        kind: z.enum(['orders', 'lines', 'payments']),
        fromDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        toDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      })
      .strict(),
    z.object({ filename: z.string(), csv: z.string(), rows: z.number().int().min(0) }),
  ),
  /** The owners' report of the business days fromDay..toDay (at most MAX_REPORT_DAYS); equals the Zs of those days. */
  'reports.get': method(ReportRange, Report),
  /** The same report as a printable HTML page with its charts drawn on the server (print, or save as PDF). */
  'reports.printable': method(PrintableReportInput, PrintableReport),
  /**
   * An order with its whole journal, and any other entries named (a mismatch's or an alert's), for the owner to
   * read where a figure came from.
   */
  'journal.trail': method(
    z.object({ orderId: Id.optional(), ids: z.array(Id).max(100).default([]) }).strict(),
    JournalTrail,
  ),
  /** The printable report as an A4 PDF (desktop app only: PDF_NOT_BUILT elsewhere), base64. */
  'reports.pdf': method(PrintableReportInput, z.object({ filename: z.string(), pdfBase64: z.string() })),
  /**
   * Reconciliation of a business day with the providers' daily bills (matched, missing on either side, amount
   * differs, other source, fees, net settled); fetches the bills around the day that are not final yet.
   */
  'reconcile.day': method(ReconcileDayInput, ReconcileDay),
  /** The same, fetching again every bill that is not ready (a "no bill" too). */
  'reconcile.refresh': method(ReconcileDayInput, ReconcileDay),
  /** Risk alerts of the business days fromDay..toDay (at most MAX_REPORT_DAYS), newest first. The owner's. */
  'alerts.list': method(ReportRange, z.array(Alert)),
  /** How many alerts since the owner last looked (the lock screen's line): a count, never what they are. */
  'alerts.summary': method(Empty, AlertSummary),
  /** The owner looked at the alerts: the count starts again from now. */
  'alerts.seen': method(Empty, AlertSummary),
  /** A page of today's orders, newest first; `beforeId`: the last order of the page before (the next page). */
  'orders.today': method(
    z.object({ limit: z.number().int().min(1).max(500).default(50), beforeId: Id.optional() }).strict(),
    z.array(Order),
  ),

  'display.get': method(Empty, DisplayState),
  /** Asks the customer for something (their payment code) or stops asking (null). */
  'display.prompt': method(z.object({ prompt: DisplayPrompt.nullable() }).strict(), DisplayState),

  /** Settings → Payments: each wallet's credentials, secrets only masked ("set · ends in …1a2b"). */
  'paySettings.get': method(Empty, PaySettingsView),
  /** A partial update of one wallet (an empty secret keeps the stored one), checked whole before it is stored. */
  'paySettings.save': method(PaySettingsSave, PaySettingsView),
  'paySettings.remove': method(z.object({ wallet: PayWallet }).strict(), PaySettingsView),
  /** A pay-config JSON file's text (the same shape as --pay-config): its sections replace the stored ones. */
  'paySettings.import': method(z.object({ json: z.string().max(60_000) }).strict(), PaySettingsView),
  /** A harmless signed call with the stored credentials; says plainly what is wrong. */
  'paySettings.test': method(z.object({ wallet: PayWallet }).strict(), ConnectionTestView),
  /** "Pay ¥0.01 yourself": a one-fen QR of this wallet, refunded as soon as it is paid (no order, no sale). */
  'paySettings.testPay': method(z.object({ wallet: PayWallet }).strict(), TestPayView),
  /** Asks about a test payment (a paid fen is refunded at once). */
  'paySettings.testPayCheck': method(z.object({ tradeNumber: z.string().min(6).max(64) }).strict(), TestPayView),
  /** Closes an unpaid test QR (one paid meanwhile is refunded). */
  'paySettings.testPayCancel': method(z.object({ tradeNumber: z.string().min(6).max(64) }).strict(), TestPayView),

  /** The receipt printer's status; refresh: ask the printer now (answers within about a second). */
  'printer.status': method(z.object({ refresh: z.boolean().default(false) }).strict(), PrinterStatus),
  /** Receipts waiting for the cashier ("may have printed — reprint?", too old, a sale completed late). */
  'printer.offers': method(Empty, z.array(PrintOffer)),
  /** Prints a completed order's receipt again (重打 / REPRINT; never opens the drawer). */
  'printer.reprint': method(z.object({ orderId: Id }).strict(), z.object({ jobId: Id })),
  /** Lets an offered receipt go unprinted. */
  'printer.dismiss': method(z.object({ jobId: Id }).strict(), z.array(PrintOffer)),
  /** Opens the cash drawer without a sale (journaled). */
  'printer.openDrawer': method(Empty, PrinterStatus),
  /** Settings: opens the drawer to test the cable and pin (journaled). */
  'printer.testDrawer': method(Empty, PrinterStatus),
  /** Settings: prints a test page (Chinese, ￥, the paper width). */
  'printer.testPage': method(Empty, PrinterStatus),
  /**
   * The receipt as the printer would print it, as HTML for the screen: a completed order's, or without orderId a
   * sample sale with the shop's header and footer. Needs no printer.
   */
  'printer.preview': method(
    z
      .object({
        orderId: Id.optional(),
        /** Settings not saved yet (what the owner is typing), shown instead of the stored ones. */
        layout: PrinterSettings.pick({ columns: true, header: true, footer: true }).strict().optional(),
      })
      .strict(),
    ReceiptPreview,
  ),
  /** Settings: the serial ports, CUPS queues, Windows and system printers this machine lists, or why not. */
  'printer.targets': method(Empty, PrinterTargets),

  /** The serial scanner's state (none, connected, not found, error). */
  'scanner.status': method(Empty, ScannerStatus),
  /** Settings: the serial ports this machine has, or why they cannot be listed. */
  'scanner.ports': method(Empty, SerialPortList),
  /**
   * Takes a serial scan for this page: true for the first page to ask, false for any other (several cashier pages
   * may be open, and a scan must add its item once).
   */
  'scanner.claim': method(z.object({ scanId: Id }).strict(), z.object({ claimed: z.boolean() })),

  /** Recomputes the journal's chain and every completed order against it. Needs 'reports' (a cashier: an owner's
   * approval, staff.approve, then the same call with its approvalId). */
  'journal.verify': method(z.object({ approvalId: z.uuid().optional() }).strict(), JournalVerifyReport),
  /** Whether the owner is set up (first run: not yet), and who is signed in at this till. */
  'staff.status': method(Empty, StaffStatus),
  /** First run only (no owner yet): the owner's name and PIN; answers the recovery code, this once. */
  'staff.setupOwner': method(
    z.object({ name: StaffName, pin: Pin }).strict(),
    z.object({ person: StaffPerson, recoveryCode: z.string() }),
  ),
  /** Signs in whoever has this PIN (PIN_WRONG, or PIN_LOCKED with params.retryAfterSeconds). */
  'staff.unlock': method(z.object({ pin: Pin }).strict(), StaffPerson),
  /** Signs out: the till is locked. */
  'staff.lock': method(Empty, StaffStatus),
  /** The owner's list of staff accounts. */
  'staff.list': method(Empty, z.array(StaffMember)),
  /** The owner adds a cashier (no id: name and pin), or renames, (de)activates or sets a new PIN. */
  'staff.save': method(
    z
      .object({ id: Id.optional(), name: StaffName.optional(), pin: Pin.optional(), active: z.boolean().optional() })
      .strict(),
    StaffMember,
  ),
  /** An owner's PIN approves one action for whoever is signed in; journaled with both names. */
  'staff.approve': method(z.object({ pin: Pin, action: StaffAction }).strict(), StaffApproval),

  // Refunds by line (electron/till/refunds.ts).
  /** The order a scanned receipt QR, an order number ("0042", "T1-0042") names, with what it may still refund. */
  'refund.find': method(z.object({ text: z.string().trim().min(1).max(64) }).strict(), RefundPreview),
  /** Each line's and payment's refunded and refundable amounts, and the order's refund tickets. */
  'refund.preview': method(z.object({ orderId: Id }).strict(), RefundPreview),
  /** Refunds lines (or all) to the payments that paid them; needs 'refund' (APPROVAL_NEEDED for a cashier). */
  'refund.make': method(RefundMakeInput, RefundResult),
  /** Asks the provider again about a refund still on its way (the same refund numbers). */
  'refund.check': method(z.object({ ticketId: z.string().trim().min(1).max(64) }).strict(), RefundResult),
  // The Z report (日结): owner, or a cashier with an owner's approval for 'reports'.
  /** What is still open before a Z (held orders, pending payments, attention items), the day it would close. */
  'z.checklist': method(Empty, ZChecklist),
  /**
   * Makes the Z of the current business day, or of `businessDay` (a missed day, asked for first with Z_MISSED_DAY);
   * every open item needs a decision. Printed when a printer is set up.
   */
  'z.make': method(
    z
      .object({
        businessDay: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
        decisions: z.array(ZDecision).max(500).optional(),
        approvalId: Uuid.optional(),
      })
      .strict(),
    ZReport,
  ),
  /** Past Zs of this till, newest first. */
  'z.list': method(Empty, z.array(ZSummary)),
  'z.get': method(z.object({ id: Uuid }).strict(), ZReport),
  /** Prints a Z again (NO_PRINTER when none is set up). */
  'z.reprint': method(z.object({ id: Uuid }).strict(), z.object({ printed: z.literal(true) })),
  // Shifts (交班): selling needs an open shift; the close is blind (the expected cash only after the count).
  /** Opens this till's shift with the counted float; lists what the last shift carried over. */
  'shift.open': method(shiftMethods.open.input, shiftMethods.open.output),
  /** The open shift (no expected cash unless the role may see reports) and the last shift's carry-overs. */
  'shift.current': method(shiftMethods.current.input, shiftMethods.current.output),
  /** Cash put in or taken out with a reason; the drawer opens. */
  'shift.cashMove': method(shiftMethods.cashMove.input, shiftMethods.cashMove.output),
  /** What is still open before a close: held orders, payments pending or on the attention list. */
  'shift.checklist': method(shiftMethods.checklist.input, shiftMethods.checklist.output),
  /** The blind close: the count and a decision per checklist item; returns the frozen report (and prints it). */
  'shift.close': method(shiftMethods.close.input, shiftMethods.close.output),
  'shift.report': method(shiftMethods.report.input, shiftMethods.report.output),
  'shift.print': method(shiftMethods.print.input, shiftMethods.print.output),
  'shift.list': method(shiftMethods.list.input, shiftMethods.list.output),
} as const;

export type Api = typeof api;
export type MethodName = keyof Api;
export type MethodInput<M extends MethodName> = z.input<Api[M]['input']>;
/** The input after validation and defaults: what handlers receive. */
export type MethodArgs<M extends MethodName> = z.output<Api[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Api[M]['output']>;
export const METHOD_NAMES = Object.keys(api) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(api, name);
}

export const events = {
  'cart.changed': Order,
  'display.changed': DisplayState,
  'catalog.changed': z.object({ reason: z.enum(['saved', 'imported', 'importUndone', 'demoCleared']) }),
  /** How far a CSV preview or import is: rows checked, written, or undone (after a failure) of `total`. Pushed
   * at the start and end of each phase and at most every ~100 ms between. */
  'catalog.importProgress': z.object({
    kind: z.enum(['preview', 'import']),
    phase: z.enum(['checking', 'writing', 'undoing']),
    done: z.number().int().min(0),
    total: z.number().int().min(0),
  }),
  'settings.changed': Settings,
  'orders.changed': z.object({ orderId: Id, status: z.string() }),
  'payment.changed': Payment,
  'attention.changed': z.object({ count: z.number().int().min(0) }),
  'pay.startupReport': StartupReport,
  'printer.status': PrinterStatus,
  /** A code read by the serial scanner; the cashier page treats it as a keyboard-wedge scan. */
  /** A code the serial scanner read; the page that claims it first (scanner.claim) acts on it. */
  'scanner.scan': z.object({ scanId: Id, barcode: z.string().min(1).max(64) }),
  'scanner.status': ScannerStatus,
  /** Someone signed in or out at the till: windows show or lift the lock screen. */
  'staff.changed': StaffStatus,
  /** A shift opened or closed at this till (screens ask shift.current again). */
  'shift.changed': z.object({ open: z.boolean(), number: z.string() }),
} as const;
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];

export const ErrorCode = z.enum([
  'INVALID_INPUT',
  /** A request over its method's size limit (params.limitKb). */
  'TOO_LARGE',
  'UNKNOWN_METHOD',
  'FORBIDDEN',
  'UNKNOWN_BARCODE',
  /** Nothing has this code, and an EAN/UPC or scale label's check digit is wrong: a misread (params.kind). */
  'BAD_CHECK_DIGIT',
  /** A scale label whose item number (params.item) no product has as its barcode. */
  'SCALE_ITEM_UNKNOWN',
  /** A weight-only scale label for a product not sold by weight (its price is not a kilogram's). */
  'NOT_SOLD_BY_WEIGHT',
  /** A line sold from a scale label is one label: its quantity does not change. */
  'WEIGHED_LINE',
  'WEIGH_FIRST',
  'PRODUCT_NOT_FOUND',
  'PRODUCT_INACTIVE',
  'BARCODE_TAKEN',
  'LINE_NOT_FOUND',
  'ORDER_NOT_FOUND',
  'ORDER_NOT_HELD',
  'CART_EMPTY',
  'TENDERED_TOO_LOW',
  'DISCOUNT_TOO_LARGE',
  'AMOUNT_TOO_LARGE',
  'CSV_INVALID',
  /** A catalog import is under way: another import (or clearing the demo data) waits until it ends. */
  'IMPORT_RUNNING',
  /** A catalog import failed part way (params.line) and was undone: the catalog is as it was. */
  'IMPORT_FAILED',
  // Checkout with wallets and bank QR.
  'CART_LOCKED',
  'PAYMENT_OPEN',
  'PAYMENT_NOT_FOUND',
  'PAYMENT_STATE',
  'PAYMENT_UNAVAILABLE',
  'PAYMENT_DECLINED',
  'PAYMENT_CODE_INVALID',
  'AMOUNT_OVER_LIMIT',
  'AMOUNT_TOO_SMALL',
  'NOTHING_DUE',
  'PROVIDER_ERROR',
  /** No receipt printer is set up (Settings → Printer). */
  'NO_PRINTER',
  /** The printer's kind cannot be used here (system: in the headless host: it needs the desktop app). */
  'PRINTER_NOT_BUILT',
  /** The printer could not be reached, or the page could not be sent (params.detail). */
  'PRINTER_OFFLINE',
  // Staff and PINs.
  /** No one has this PIN (params.attemptsLeft before the till waits). */
  'PIN_WRONG',
  /** Too many wrong PINs: the till waits params.retryAfterSeconds before it takes another. */
  'PIN_LOCKED',
  /** Another active person has this PIN. */
  'PIN_IN_USE',
  /** The owner is set up already: first-run setup is closed. */
  'OWNER_EXISTS',
  /** The signed-in person's role may not do this (an owner's approval may). */
  'NOT_ALLOWED',
  /** A cashier asked for params.action: an owner's PIN approves it on the spot (staff.approve, then the same call
   * again with the approvalId). */
  'APPROVAL_NEEDED',
  'NOT_SIGNED_IN',
  'STAFF_NOT_FOUND',
  // Refunds by line.
  /** More than a line (params.lineId, params.maxQuantity) or the payments (params.maxMinor) have left to refund. */
  'REFUND_TOO_MUCH',
  /** Nothing of the order is left to refund (or, for cash instead, nothing waits for cash). */
  'REFUND_NOTHING_LEFT',
  'REFUND_NOT_FOUND',
  // Shifts.
  /** Selling needs an open shift at this till (shift.open). */
  'SHIFT_NOT_OPEN',
  /** This till has an open shift already (params.number). */
  'SHIFT_OPEN',
  /** The close needs a decision for each open item (params.missing: how many). */
  'SHIFT_CHECKLIST',
  'SHIFT_NOT_FOUND',
  'INTERNAL',
  // The Z report (日结).
  /** A day after the last Z had sales and no Z: its Z comes first (params.day; z.make with businessDay makes it). */
  'Z_MISSED_DAY',
  /** This business day has its Z already (params.day, number, madeAt): a second one is refused. */
  'Z_ALREADY_MADE',
  /** A Z for a day not yet begun, or before the last Z's day (params.day, current, lastDay). */
  'Z_DAY_INVALID',
  /** Held orders or open payments have no decision yet (params.held, payments, undecided): see z.checklist. */
  'Z_CHECKLIST_OPEN',
  /** A decision on something not open, or a payment voided (settled on the attention list instead). */
  'Z_DECISION_REFUSED',
  'Z_NOT_FOUND',
  // Owners' reports (issue #11).
  /** A report over more days than one report covers (params.days, maxDays). */
  'REPORT_RANGE',
  /** Save as PDF needs the desktop app (a browser prints the page and saves it as PDF itself). */
  'PDF_NOT_BUILT',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface ApiError {
  code: ErrorCode;
  /** English, for logs and API clients; the UI shows its own translation of `code` with `params`. */
  message: string;
  params?: Record<string, string | number>;
  /** For INVALID_INPUT: which field and why. */
  issues?: { path: string; message: string }[];
}

/** Every reply, over IPC and HTTP alike. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** Thrown by handlers for an expected refusal; the router turns it into `{ok:false}`. */
export class TillError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
    this.name = 'TillError';
  }
}

/** What the preload exposes as `window.tillpoint`, and what the browser client implements over HTTP. */
export interface TillpointBridge {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** IPC channel for push events (methods use their own names as channels). */
export const EVENT_CHANNEL = 'tillpoint:event';
