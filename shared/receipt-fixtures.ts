// A fixed order and shop for the receipt tests (model, ESC/POS and HTML), so all three print the same sale.
import type { Order, OrderLine, Payment } from './domain';
import type { ReceiptInput, ReceiptShop } from './receipt';

export function fixtureLine(over: Partial<OrderLine> = {}): OrderLine {
  const unit = over.unitPriceMinor ?? 350;
  const qty = over.quantity ?? 1;
  const gross = unit * qty;
  const disc = over.lineDiscountMinor ?? 0;
  return {
    id: 1,
    productId: 1,
    barcode: '6901234567892',
    name: '可口可乐',
    nameEn: 'Coca-Cola',
    unitPriceMinor: unit,
    quantity: qty,
    taxRateBp: 1300,
    grossMinor: gross,
    lineDiscountMinor: disc,
    orderDiscountShareMinor: 0,
    totalMinor: gross - disc,
    taxMinor: 0,
    weightGrams: null,
    ...over,
  };
}

export function fixturePayment(over: Partial<Payment> = {}): Payment {
  return {
    id: 1,
    orderId: 42,
    method: 'cash',
    status: 'paid',
    amountMinor: 1250,
    tenderedMinor: 2000,
    changeMinor: 750,
    staffId: null,
    createdAt: '2026-11-25T06:03:09.000Z',
    provider: null,
    tradeNumber: null,
    providerRef: null,
    qrContent: null,
    expiresAt: null,
    settledAt: '2026-11-25T06:03:09.000Z',
    groupId: null,
    confirmedByHand: false,
    maskedCode: null,
    reason: null,
    attention: null,
    refundedMinor: 0,
    isDemo: false,
    ...over,
  };
}

/** 2 × 可口可乐 at ￥3.50 with ￥0.50 off, 1 × 面包 at ￥6.50, ￥0.50 off the order: ￥12.50, paid in cash. */
export function fixtureOrder(over: Partial<Order> = {}): Order {
  const lines = over.lines ?? [
    fixtureLine({ id: 1, quantity: 2, lineDiscountMinor: 50 }),
    fixtureLine({ id: 2, productId: 2, name: '全麦面包', nameEn: 'Bread', unitPriceMinor: 650 }),
  ];
  return {
    id: 42,
    number: '#0007',
    status: 'completed',
    currency: 'CNY',
    revision: 5,
    createdAt: '2026-11-25T06:01:00.000Z',
    completedAt: '2026-11-25T06:03:09.000Z',
    heldLabel: null,
    lines,
    subtotalMinor: 1350,
    orderDiscountMinor: 50,
    discountMinor: 100,
    totalMinor: 1250,
    taxMinor: 144,
    itemCount: 3,
    payments: [fixturePayment()],
    paidMinor: 1250,
    dueMinor: 0,
    openPaymentId: null,
    locked: true,
    isDemo: false,
    ...over,
  };
}

export function fixtureShop(over: Partial<ReceiptShop> = {}): ReceiptShop {
  return {
    name: '好邻居便利店',
    headerLines: ['北京市朝阳区建国路 88 号', 'Tel 010-12345678'],
    footerLines: ['谢谢惠顾，欢迎再来！'],
    logo: null,
    ...over,
  };
}

/** The fixed sale as the receipt builder takes it: the order and shop above, till T1, zh-CN, Beijing time. */
export function fixtureReceiptInput(over: Partial<ReceiptInput> = {}): ReceiptInput {
  return {
    order: fixtureOrder(),
    shop: fixtureShop(),
    tillId: 'T1',
    language: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    ...over,
  };
}
