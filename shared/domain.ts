// The shop's things as the API carries them. Schemas double as the types (z.infer) and as the
// validation main applies to every incoming value.
import { z } from 'zod';
import { ALERT_RULES, AlertRule } from './alerts';
import { MAX_AMOUNT_MINOR } from './money';
import { PaymentState } from './payment';
import { PrinterSettings } from './printer';
import { ScaleSettings } from './scale';
import { ScannerUri } from './scanner';

export const Minor = z.number().int().min(0).max(MAX_AMOUNT_MINOR);
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Whole units; weighed goods are one line of quantity 1 priced from a scale label (OrderLine.weightGrams). */
export const Quantity = z.number().int().min(1).max(9999);
export const MAX_QUANTITY = 9999;

/** What a scanner or a person may enter as a product code: EAN/UPC digits or a shop's own code. */
export const Barcode = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[0-9A-Za-z._-]+$/, 'letters, digits, . _ - only');

export const CURRENCIES = [
  'CNY',
  'HKD',
  'TWD',
  'USD',
  'EUR',
  'GBP',
  'JPY',
  'BRL',
  'THB',
  'SGD',
  'MYR',
  'IDR',
  'PHP',
  'VND',
  'INR',
  'KHR',
] as const;
export const Currency = z.enum(CURRENCIES);
export type Currency = z.infer<typeof Currency>;

export const Language = z.enum(['auto', 'zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const Product = z.object({
  id: Id,
  barcode: z.string(),
  name: z.string(),
  nameEn: z.string(),
  category: z.string(),
  priceMinor: Minor,
  /** Basis points: 1300 = 13 %. Prices include it. */
  taxRateBp: z.number().int().min(0).max(10_000),
  active: z.boolean(),
  isDemo: z.boolean(),
  /** Sold from scale labels: priceMinor is the price per kilogram. */
  soldByWeight: z.boolean(),
});
export type Product = z.infer<typeof Product>;

export const ProductInput = z.object({
  /** Absent: a new product. */
  id: Id.optional(),
  barcode: Barcode,
  name: z.string().trim().min(1).max(80),
  nameEn: z.string().trim().max(80).default(''),
  category: z.string().trim().max(40).default(''),
  priceMinor: Minor,
  taxRateBp: z.number().int().min(0).max(10_000).default(0),
  active: z.boolean().default(true),
  soldByWeight: z.boolean().default(false),
});
export type ProductInput = z.input<typeof ProductInput>;

export const OrderStatus = z.enum(['draft', 'held', 'completed', 'voided']);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const OrderLine = z.object({
  id: Id,
  productId: Id.nullable(),
  barcode: z.string(),
  name: z.string(),
  nameEn: z.string(),
  unitPriceMinor: Minor,
  quantity: Quantity,
  taxRateBp: z.number().int(),
  grossMinor: Minor,
  lineDiscountMinor: Minor,
  orderDiscountShareMinor: Minor,
  totalMinor: Minor,
  taxMinor: Minor,
  /** Grams, for a line sold from a scale label that carried the weight; its unitPriceMinor is the label's
   * amount (quantity 1). Null for counted goods. */
  weightGrams: z.number().int().positive().nullable(),
});
export type OrderLine = z.infer<typeof OrderLine>;

/**
 * cash: counted by the cashier. qr: the provider's QR shown on the customer display (the customer scans it).
 * payment_code: the customer's own code read by our scanner (B-scan-C). bank_qr: an EMVCo bank QR that no
 * provider confirms, so the cashier confirms it by hand.
 */
export const PAYMENT_METHODS = ['cash', 'qr', 'payment_code', 'bank_qr'] as const;
export const PaymentMethod = z.enum(PAYMENT_METHODS);
export type PaymentMethod = z.infer<typeof PaymentMethod>;
/** The methods that go through a provider or a bank, with a per-transaction maximum. */
export const WalletMethod = z.enum(['qr', 'payment_code', 'bank_qr']);
export type WalletMethod = z.infer<typeof WalletMethod>;

/** A payment attempt's state (see shared/payment.ts); cash is 'paid' at once. */
export const PaymentStatus = PaymentState;
export type PaymentStatus = PaymentState;

/** Why a payment is on the attention list. */
export const PaymentAttention = z.enum([
  // Money arrived after the attempt had ended (failed, expired, cancelled): refund it or apply it.
  'late_payment',
  // The cashier gave up waiting for the provider ("Abandon and take cash"); it is still being settled.
  'abandoned',
  // Still not settled after the startup check; its order stays locked.
  'unsettled',
]);
export type PaymentAttention = z.infer<typeof PaymentAttention>;

export const Payment = z.object({
  id: Id,
  orderId: Id,
  method: PaymentMethod,
  status: PaymentStatus,
  amountMinor: Minor,
  tenderedMinor: Minor.nullable(),
  changeMinor: Minor.nullable(),
  /** Nullable until staff accounts exist. */
  staffId: z.string().nullable(),
  createdAt: z.string(),
  /** 'demo', later 'alipay' / 'wechat'; 'bank' for an EMVCo bank QR; null for cash. */
  provider: z.string().nullable(),
  /** Our merchant trade number (out_trade_no), written before the provider is called; null for cash. */
  tradeNumber: z.string().nullable(),
  /** The provider's own transaction id, once known. */
  providerRef: z.string().nullable(),
  /** What the customer scans (qr, bank_qr). */
  qrContent: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** When it became paid (or ended otherwise). */
  settledAt: z.string().nullable(),
  /**
   * The checkout round it belongs to: the QR trades shown side by side (one per wallet) and a payment code
   * scanned meanwhile share it. The first paid completes the order; the others are closed, or refunded when
   * found paid too. Null for cash, a bank QR and payments made before groups existed.
   */
  groupId: Id.nullable(),
  /** A bank QR the cashier confirmed after checking the shop's bank app. */
  confirmedByHand: z.boolean(),
  /** The customer's payment code, masked (2851********1234); never stored in full. */
  maskedCode: z.string().nullable(),
  /** A code the UI translates: why it failed, or what it waits for ('user_paying', 'declined', 'unreachable', ...). */
  reason: z.string().nullable(),
  attention: PaymentAttention.nullable(),
  refundedMinor: Minor,
  isDemo: z.boolean(),
});
export type Payment = z.infer<typeof Payment>;

export const Order = z.object({
  id: Id,
  /** What people read and say: "#0042", per day and till. Empty while a draft. */
  number: z.string(),
  status: OrderStatus,
  currency: Currency,
  /** Bumped on every change, so a display can drop an older push that arrives late. */
  revision: z.number().int().min(0),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  heldLabel: z.string().nullable(),
  lines: z.array(OrderLine),
  subtotalMinor: Minor,
  orderDiscountMinor: Minor,
  discountMinor: Minor,
  totalMinor: Minor,
  taxMinor: Minor,
  itemCount: z.number().int().min(0),
  /** Every payment attempt, in order; only the 'paid' ones count towards the total. */
  payments: z.array(Payment),
  /** Sum of the paid payments' amounts (part payments of a split tender). */
  paidMinor: Minor,
  /** totalMinor - paidMinor while open; 0 once completed. */
  dueMinor: Minor,
  /** The open payment attempt that locks this order, if any. */
  openPaymentId: Id.nullable(),
  /** Lines and discounts cannot change: a payment is open or part of the total is paid. */
  locked: z.boolean(),
  isDemo: z.boolean(),
});
export type Order = z.infer<typeof Order>;

export const HeldOrder = z.object({
  id: Id,
  heldLabel: z.string().nullable(),
  heldAt: z.string(),
  itemCount: z.number().int(),
  totalMinor: Minor,
  firstLineName: z.string(),
});
export type HeldOrder = z.infer<typeof HeldOrder>;

/** The shop's own EMVCo bank QR (PIX, PromptPay, PayNow, DuitNow, ...). */
export const BankQrScheme = z.enum(['pix', 'promptpay', 'paynow', 'duitnow', 'emv']);
export const BankQrSettings = z
  .object({
    enabled: z.boolean(),
    scheme: BankQrScheme,
    /** PIX key, PromptPay phone or tax id, PayNow UEN/phone, or the account for a custom scheme. */
    account: z.string().trim().max(77),
    /** For 'emv': the scheme's GUID (tag 26 sub-id 00). */
    guid: z.string().trim().max(32),
    /** As the bank app shows it (EMVCo allows 25 characters). */
    merchantName: z.string().trim().max(25),
    merchantCity: z.string().trim().max(15),
  })
  .strict();
export type BankQrSettings = z.infer<typeof BankQrSettings>;

/** A keyboard-wedge scanner's configured prefix or suffix: spaces would be invisible in the settings. */
const ScanAffix = z
  .string()
  .max(8)
  .regex(/^[\x21-\x7e]*$/, 'printable characters without spaces');

export const StaffRules = z
  .object({
    /** The till locks after this many minutes without a key or tap (0: never). */
    autoLockMinutes: z.number().int().min(0).max(240).default(5),
    /** A discount over this percent of the line (or of the order) needs the owner. */
    discountLimitPercent: z.number().int().min(0).max(100).default(10),
  })
  .strict();
export type StaffRules = z.infer<typeof StaffRules>;

/** The owner's thresholds for risk alerts (shared/alerts.ts), and a switch per rule. */
export const RiskRules = z
  .object({
    /** A refund ticket over this amount (minor units) is an alert. */
    refundOverMinor: z.number().int().min(0).max(100_000_000).default(20_000),
    /** A shift that reaches this many refunds is an alert. */
    refundsPerShift: z.number().int().min(1).max(1000).default(3),
    /** This many declined or failed wallet payments within `declinedWindowMinutes` is an alert. */
    declinedPayments: z.number().int().min(1).max(1000).default(3),
    declinedWindowMinutes: z.number().int().min(1).max(1440).default(10),
    /** The rules the owner switched off (all on by default). */
    off: z.array(AlertRule).max(ALERT_RULES.length).default([]),
  })
  .strict();
export type RiskRules = z.infer<typeof RiskRules>;

export const Settings = z.object({
  shopName: z.string().trim().min(1).max(60),
  currency: Currency,
  language: Language,
  /** Longest gap between a scanner's keystrokes; a person types slower. */
  scanMaxGapMs: z.number().int().min(5).max(200),
  /** Characters the scanner is set to send before each code (printable ASCII, no spaces); '' for none. */
  scanPrefix: ScanAffix,
  /** Characters the scanner sends after each code, before the Enter that still ends it; '' for none. */
  scanSuffix: ScanAffix,
  /** Shorter fast bursts stay typing (two keys pressed together land close too). */
  scanMinLength: z.number().int().min(1).max(64),
  /** How long the customer display shows change and thanks after a sale. */
  displayThanksMs: z.number().int().min(500).max(120_000),
  /** How long a payment QR is valid, here and at the provider (they are the same). */
  payExpirySeconds: z.number().int().min(10).max(1800),
  /** Per-transaction maximum for each wallet method, shown to the cashier before a QR is made. */
  payLimits: z.object({ qr: Minor, payment_code: Minor, bank_qr: Minor }).strict(),
  /** How long a customer may take to confirm a payment-code charge in their wallet app before it is cancelled. */
  paymentCodeWaitSeconds: z.number().int().min(10).max(300),
  bankQr: BankQrSettings,
  /** How labels printed by the shop's price/weight scales are read (GS1 in-store codes, prefix 20-29). */
  scaleBarcodes: ScaleSettings,
  /** The receipt printer and cash drawer (no printer by default: nothing prints). */
  printer: PrinterSettings,
  /** A barcode scanner on a serial port (serial:/dev/ttyUSB1?baud=9600, serial:COM4?baud=9600); null: none. */
  scannerSerial: ScannerUri.nullable(),
  /** The owner's rules for staff at this till. */
  staffRules: StaffRules,
  /** The owner's risk-alert thresholds and switches. */
  riskRules: RiskRules,
  /** Local hour (0-23) at which a business day starts: order numbers restart and a Z closes the day by it. */
  businessDayStartHour: z.number().int().min(0).max(23),
});
export type Settings = z.infer<typeof Settings>;

export const DisplayPhase = z.enum(['idle', 'cart', 'payment', 'thanks']);
export const DisplayPrompt = z.enum(['payment_code']);
export type DisplayPrompt = z.infer<typeof DisplayPrompt>;

/** What the customer sees while paying: the QR for exactly this amount, or "scan your code" / "confirming". */
export const DisplayPayment = z.object({
  paymentId: Id,
  method: WalletMethod,
  status: PaymentStatus,
  amountMinor: Minor,
  qrContent: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** The order number the phone page shows too, so the customer knows it is theirs. */
  orderNumber: z.string(),
  merchantName: z.string(),
  /** Wallets that can scan this QR, e.g. ['demo'] or ['alipay', 'wechat']; for bank_qr the scheme. */
  wallets: z.array(z.string()),
  isDemo: z.boolean(),
});
export type DisplayPayment = z.infer<typeof DisplayPayment>;
export const DisplayState = z.object({
  phase: DisplayPhase,
  shopName: z.string(),
  currency: Currency,
  isDemo: z.boolean(),
  cart: Order.nullable(),
  /** The sale just finished, shown with tendered and change during 'thanks'. */
  sale: z
    .object({
      number: z.string(),
      totalMinor: Minor,
      tenderedMinor: Minor,
      changeMinor: Minor,
      /** How it was paid, in payment order (a split tender has several). */
      methods: z.array(PaymentMethod),
    })
    .nullable(),
  /** Set during 'payment': the first of `payments`. */
  payment: DisplayPayment.nullable(),
  /** During 'payment': the wallet QRs side by side (one per wallet, each labelled), or the one payment shown. */
  payments: z.array(DisplayPayment),
  /** What the customer is asked to do now, during 'cart': show their wallet's payment code to the scanner. */
  prompt: DisplayPrompt.nullable(),
  /** Increases with every state, across restarts of the till within a day. */
  seq: z.number().int().min(0),
});
export type DisplayState = z.infer<typeof DisplayState>;

export const ImportRow = z.object({
  line: z.number().int(),
  barcode: z.string(),
  name: z.string(),
  priceMinor: Minor.nullable(),
  action: z.enum(['create', 'update', 'unchanged', 'error']),
  errors: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })),
});
export type ImportRow = z.infer<typeof ImportRow>;

export const ImportPreview = z.object({
  /** The rows to show, in file order: rows with a problem take priority, then the first others; 500 in all at
   * most. The counts cover every row of the file. */
  rows: z.array(ImportRow),
  creates: z.number().int(),
  updates: z.number().int(),
  unchanged: z.number().int(),
  errors: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const AppInfo = z.object({
  name: z.literal('Tillpoint'),
  version: z.string(),
  /** 'electron' inside the desktop app; 'host' when served by the headless host to a browser. */
  mode: z.enum(['electron', 'host']),
  isDemoData: z.boolean(),
  dataDir: z.string(),
  tillId: z.string(),
  /**
   * The till's UTC offset now, in minutes (China: 480): a phone or a browser in another zone still reads the till's
   * business days (reports' "today").
   */
  utcOffsetMinutes: z.number().int().min(-840).max(840),
});
export type AppInfo = z.infer<typeof AppInfo>;
