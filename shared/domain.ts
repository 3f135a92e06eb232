// The shop's things as the API carries them. Schemas double as the types (z.infer) and as the
// validation main applies to every incoming value.
import { z } from 'zod';
import { MAX_AMOUNT_MINOR } from './money';

export const Minor = z.number().int().min(0).max(MAX_AMOUNT_MINOR);
export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Whole units; weighed goods (fractional quantities) come later with scale barcodes. */
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
});
export type OrderLine = z.infer<typeof OrderLine>;

/** Later: 'qr' (provider QR), 'payment_code' (B-scan-C), 'bank_qr' (EMVCo). */
export const PaymentMethod = z.enum(['cash']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** Cash is paid at once; the full provider state machine arrives with scan-to-pay. */
export const PaymentStatus = z.enum(['paid']);

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
  payments: z.array(Payment),
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

export const Settings = z.object({
  shopName: z.string().trim().min(1).max(60),
  currency: Currency,
  language: Language,
  /** Longest gap between a scanner's keystrokes; a person types slower. */
  scanMaxGapMs: z.number().int().min(5).max(200),
  /** How long the customer display shows change and thanks after a sale. */
  displayThanksMs: z.number().int().min(500).max(120_000),
});
export type Settings = z.infer<typeof Settings>;

export const DisplayPhase = z.enum(['idle', 'cart', 'thanks']);
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
    })
    .nullable(),
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
});
export type AppInfo = z.infer<typeof AppInfo>;
