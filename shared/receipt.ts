// The receipt a customer takes home, as data: built from an order and the shop's settings, printed as ESC/POS
// bytes or shown as HTML from the same layout (receipt-layout.ts). Sale and refund receipts share it, and so
// will the shift and day reports. Money stays in integer minor units; only the layout formats it.
// Pure TypeScript (no Node, no DOM).
import type { Currency, Order, Payment, PaymentMethod } from './domain';
import { minorToDecimal } from './money';

export type ReceiptLanguage = 'zh-CN' | 'en';
export type ReceiptKind = 'sale' | 'refund';

/** A monochrome-ish logo as RGBA pixels (what the ESC/POS encoder dithers and the preview draws). */
export interface ReceiptLogo {
  width: number;
  height: number;
  /** width × height × 4 bytes, RGBA, row by row. */
  rgba: Uint8Array;
}

export interface ReceiptShop {
  name: string;
  /** Address, phone, tax number…: one printed line each. */
  headerLines: string[];
  footerLines: string[];
  logo: ReceiptLogo | null;
}

export interface ReceiptLine {
  /** The name as the shop shows it (the Chinese name). */
  name: string;
  quantity: number;
  unitPriceMinor: number;
  lineDiscountMinor: number;
  /** quantity × unit price − line discount (before the order discount is spread). */
  amountMinor: number;
  /** A line read from a scale label: its weight (the unit price is then the label's amount). */
  weightGrams?: number | null;
}

export interface ReceiptPayment {
  method: PaymentMethod;
  /** 'alipay', 'wechat', 'demo', 'bank'; null for cash. */
  provider: string | null;
  amountMinor: number;
  /** Our merchant trade number (out_trade_no); null for cash. */
  tradeNumber: string | null;
  /** The provider's number: 支付宝交易号 / 微信支付单号 (for a refund, the refund's number). */
  providerRef: string | null;
  /** The customer's payment code, masked (never the full code). */
  maskedCode: string | null;
  tenderedMinor: number | null;
  changeMinor: number | null;
  isDemo: boolean;
}

export interface Receipt {
  kind: ReceiptKind;
  language: ReceiptLanguage;
  currency: Currency;
  shop: ReceiptShop;
  /** The order's unique id (the database's), what the QR carries. */
  orderId: number;
  /** The daily number people say ("#0042"); it repeats, so it is never what the QR carries. */
  orderNumber: string;
  /** The moment of the sale (or refund), ISO 8601, and as printed in the shop's time. */
  at: string;
  dateTime: string;
  tillId: string;
  /** Null until staff accounts exist. */
  cashier: string | null;
  lines: ReceiptLine[];
  /** The lines' amounts summed (after line discounts); for a sale, subtotal − order discount = total. */
  subtotalMinor: number;
  orderDiscountMinor: number;
  /** Tax included in the total. */
  taxMinor: number;
  /** What was paid (a sale) or paid back (a refund). */
  totalMinor: number;
  payments: ReceiptPayment[];
  /** Cash handed over and given back, summed over the cash payments; null without cash. */
  tenderedMinor: number | null;
  changeMinor: number | null;
  qrPayload: string;
  /** A Demo payment: no money moved, and the receipt says so. */
  demo: boolean;
  /** Printed again: says 重打 / REPRINT. */
  reprint: boolean;
  /** A refund receipt: the refund ticket's number ("T1-R0001") and the owner who approved it, if a cashier did it. */
  refundNumber?: string | null;
  approvedBy?: string | null;
}

// ---- the QR: the order's unique id ------------------------------------------------------------------------

const QR_PREFIX = 'TPO';

/**
 * `TPO-<install>-<orderId>` (or `TPO-<orderId>`): letters, digits and `-` only, so a keyboard-wedge scanner
 * types it the same under any keyboard layout and it passes as a scanned code.
 */
export function orderQrPayload(orderId: number, installId?: string): string {
  const install = (installId ?? '').replace(/[^0-9A-Za-z]/g, '');
  return install ? `${QR_PREFIX}-${install}-${orderId}` : `${QR_PREFIX}-${orderId}`;
}

/** The order id a scanned receipt QR names, or null when it is not one of ours. */
export function parseOrderQrPayload(text: string): { orderId: number; installId: string | null } | null {
  const m = /^TPO-(?:([0-9A-Za-z]+)-)?([1-9][0-9]{0,15})$/.exec(text.trim());
  if (!m) return null;
  const orderId = Number(m[2]);
  return Number.isSafeInteger(orderId) ? { orderId, installId: m[1] ?? null } : null;
}

// ---- labels ---------------------------------------------------------------------------------------------

export const RECEIPT_LABELS = {
  'zh-CN': {
    sale: '销售小票',
    refund: '退款小票',
    reprint: '*** 重打 ***',
    demo: '演示 DEMO - 未发生真实收款',
    order: '单号',
    time: '时间',
    till: '收银台',
    cashier: '收银员',
    discount: '优惠',
    subtotal: '小计',
    orderDiscount: '整单优惠',
    total: '合计',
    refundTotal: '退款合计',
    tax: '其中税额',
    tendered: '实收',
    change: '找零',
    tradeNumber: '商户单号',
    providerRef: '交易号',
    refundRef: '退款单号',
    paymentCode: '付款码',
    orderId: '订单编号',
    refundNumber: '退款单',
    approvedBy: '授权',
  },
  en: {
    sale: 'SALE',
    refund: 'REFUND',
    reprint: '*** REPRINT ***',
    demo: 'DEMO - no money moved',
    order: 'Order',
    time: 'Time',
    till: 'Till',
    cashier: 'Cashier',
    discount: 'Discount',
    subtotal: 'Subtotal',
    orderDiscount: 'Order discount',
    total: 'TOTAL',
    refundTotal: 'REFUNDED',
    tax: 'Incl. tax',
    tendered: 'Tendered',
    change: 'Change',
    tradeNumber: 'Trade no.',
    providerRef: 'Transaction no.',
    refundRef: 'Refund no.',
    paymentCode: 'Payment code',
    orderId: 'Order id',
    refundNumber: 'Refund',
    approvedBy: 'Approved by',
  },
} as const satisfies Record<ReceiptLanguage, Record<string, string>>;
export type ReceiptLabels = (typeof RECEIPT_LABELS)[ReceiptLanguage];

const METHOD_LABELS: Record<ReceiptLanguage, Record<PaymentMethod, string>> = {
  'zh-CN': { cash: '现金', qr: '扫码支付', payment_code: '付款码支付', bank_qr: '银行二维码' },
  en: { cash: 'Cash', qr: 'QR pay', payment_code: 'Payment code', bank_qr: 'Bank QR' },
};

const PROVIDER_LABELS: Record<ReceiptLanguage, Record<string, string>> = {
  'zh-CN': { alipay: '支付宝', wechat: '微信支付', demo: '演示', bank: '银行' },
  en: { alipay: 'Alipay', wechat: 'WeChat Pay', demo: 'Demo', bank: 'Bank' },
};

/** The provider's own name for its number, as its app shows it (支付宝交易号 / 微信支付单号). */
const PROVIDER_REF_LABELS: Record<ReceiptLanguage, Record<string, string>> = {
  'zh-CN': { alipay: '支付宝交易号', wechat: '微信支付单号' },
  en: { alipay: 'Alipay trade no.', wechat: 'WeChat Pay no.' },
};

/** "支付宝 付款码支付", "Cash". */
export function paymentLabel(p: ReceiptPayment, language: ReceiptLanguage): string {
  const method = METHOD_LABELS[language][p.method];
  if (!p.provider) return method;
  return `${PROVIDER_LABELS[language][p.provider] ?? p.provider} ${method}`;
}

export function providerRefLabel(p: ReceiptPayment, receipt: Pick<Receipt, 'kind' | 'language'>): string {
  const labels = RECEIPT_LABELS[receipt.language];
  if (receipt.kind === 'refund') return labels.refundRef;
  return (p.provider && PROVIDER_REF_LABELS[receipt.language][p.provider]) || labels.providerRef;
}

// ---- money and time as printed ----------------------------------------------------------------------------

const SYMBOLS: Partial<Record<Currency, string>> = {
  // The full-width yuan sign: the half-width one is junk in GB18030.
  CNY: '￥',
  JPY: '￥',
  USD: '$',
  HKD: '$',
  TWD: '$',
  SGD: '$',
  // Full-width pound: GBK has it, the half-width one is not in GBK.
  GBP: '￡',
};

/** An amount as a receipt prints it: "￥12.50", "-￥1.00", "THB 120.00" (a symbol GBK lacks becomes the code). */
export function receiptMoney(minor: number, currency: Currency): string {
  const sign = minor < 0 ? '-' : '';
  const text = minorToDecimal(Math.abs(minor), currency);
  const symbol = SYMBOLS[currency];
  return symbol ? `${sign}${symbol}${text}` : `${sign}${currency} ${text}`;
}

/** "2026-11-25 14:03:09" in the given time zone (default: the till's). */
export function receiptDateTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

// ---- building a receipt from an order ---------------------------------------------------------------------

/** A payment that paid this sale: not one that paid twice (refunded), not a late payment still unapplied. */
export function paidTheSale(p: Payment): boolean {
  return (
    (p.status === 'paid' || p.status === 'partially_refunded' || p.status === 'refunded') &&
    p.reason !== 'paid_twice' &&
    p.attention !== 'late_payment'
  );
}

function fromPayment(p: Payment): ReceiptPayment {
  return {
    method: p.method,
    provider: p.provider,
    amountMinor: p.amountMinor,
    tradeNumber: p.tradeNumber,
    providerRef: p.providerRef,
    maskedCode: p.maskedCode,
    tenderedMinor: p.method === 'cash' ? p.tenderedMinor : null,
    changeMinor: p.method === 'cash' ? p.changeMinor : null,
    isDemo: p.isDemo,
  };
}

export interface RefundInput {
  /** When the refund was made (ISO). */
  at: string;
  totalMinor: number;
  /** The refunded lines, if the refund names them; else the receipt lists none. */
  lines?: ReceiptLine[];
  /** Each payment paid back: providerRef is the refund's number. */
  payments: Omit<ReceiptPayment, 'tenderedMinor' | 'changeMinor'>[];
  /** The refund ticket's number ("T1-R0001"). */
  number?: string;
  /** The owner who approved a cashier's refund. */
  approvedBy?: string | null;
}

export interface ReceiptInput {
  order: Order;
  shop: ReceiptShop;
  tillId: string;
  language: ReceiptLanguage;
  /** Null until staff accounts exist. */
  cashier?: string | null;
  reprint?: boolean;
  /** The install's id, so two shops' receipts never carry the same QR. */
  installId?: string;
  /** IANA zone the time is printed in; default the till's own. */
  timeZone?: string;
  /** Makes a refund receipt for this order. */
  refund?: RefundInput;
}

function sum(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) : null;
}

export function buildReceipt(input: ReceiptInput): Receipt {
  const { order, refund } = input;
  const orderLines: ReceiptLine[] = order.lines.map((l) => ({
    name: l.name,
    quantity: l.quantity,
    unitPriceMinor: l.unitPriceMinor,
    lineDiscountMinor: l.lineDiscountMinor,
    amountMinor: l.grossMinor - l.lineDiscountMinor,
    ...(l.weightGrams ? { weightGrams: l.weightGrams } : {}),
  }));
  const payments: ReceiptPayment[] = refund
    ? refund.payments.map((p) => ({ ...p, tenderedMinor: null, changeMinor: null }))
    : order.payments.filter(paidTheSale).map(fromPayment);
  const at = refund?.at ?? order.completedAt ?? order.createdAt;
  const lines = refund ? (refund.lines ?? []) : orderLines;
  const subtotalMinor = lines.reduce((a, l) => a + l.amountMinor, 0);
  return {
    kind: refund ? 'refund' : 'sale',
    language: input.language,
    currency: order.currency,
    shop: input.shop,
    orderId: order.id,
    orderNumber: order.number,
    at,
    dateTime: receiptDateTime(at, input.timeZone),
    tillId: input.tillId,
    cashier: input.cashier ?? null,
    lines,
    subtotalMinor,
    // What the order discount took in the end (capped at the lines' amounts), so the paper adds up.
    orderDiscountMinor: refund ? 0 : subtotalMinor - order.totalMinor,
    taxMinor: refund ? 0 : order.taxMinor,
    totalMinor: refund ? refund.totalMinor : order.totalMinor,
    payments,
    tenderedMinor: sum(payments.map((p) => p.tenderedMinor)),
    changeMinor: sum(payments.map((p) => p.changeMinor)),
    qrPayload: orderQrPayload(order.id, input.installId),
    demo: order.isDemo || payments.some((p) => p.isDemo),
    reprint: input.reprint ?? false,
    ...(refund ? { refundNumber: refund.number ?? null, approvedBy: refund.approvedBy ?? null } : {}),
  };
}
