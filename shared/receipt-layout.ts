// One layout of a receipt at 32 or 48 columns, which both renderings follow: the ESC/POS bytes print these
// lines, the HTML preview shows the same lines in a monospace grid. Pure TypeScript (no Node, no DOM).
import { paymentLabel, providerRefLabel, RECEIPT_LABELS, type Receipt, receiptMoney } from './receipt';
import { center, padEnd, type ReceiptColumns, toPrintable, twoColumns, UNPRINTABLE, wrap } from './receipt-text';

export type ReceiptBlock =
  | { type: 'logo' }
  /** One printed line: at most `columns` wide, trailing spaces dropped, unprintable characters as UNPRINTABLE. */
  | { type: 'line'; text: string; bold: boolean; unprintable: string[] }
  | { type: 'qr'; payload: string };

export interface ReceiptLayout {
  columns: ReceiptColumns;
  blocks: ReceiptBlock[];
  /** Every character that cannot be printed (the preview flags them), in order of appearance. */
  unprintable: string[];
}

class Builder {
  readonly blocks: ReceiptBlock[] = [];
  readonly unprintable: string[] = [];
  constructor(readonly columns: ReceiptColumns) {}

  /** Lays out `text` (raw) with `arrange` and hands each replaced character to the line that shows its mark. */
  private emit(raw: string[], arrange: (printable: string[]) => string[], bold: boolean): void {
    const queue: string[] = [];
    const printable = raw.map((r) => {
      const p = toPrintable(r);
      queue.push(...p.unprintable);
      return p.text;
    });
    for (const text of arrange(printable)) {
      const marks = text.split(UNPRINTABLE).length - 1;
      const unprintable = queue.splice(0, marks);
      this.unprintable.push(...unprintable);
      this.blocks.push({ type: 'line', text: text.trimEnd(), bold, unprintable });
    }
  }

  centered(text: string, bold = false): void {
    this.emit([text], ([t]) => wrap(t, this.columns).map((l) => center(l, this.columns)), bold);
  }

  left(text: string, bold = false): void {
    this.emit([text], ([t]) => wrap(t, this.columns).map((l) => padEnd(l, this.columns)), bold);
  }

  pair(left: string, right: string, bold = false): void {
    this.emit([left, right], ([l, r]) => twoColumns(l, r, this.columns), bold);
  }

  rule(ch = '-'): void {
    this.blocks.push({ type: 'line', text: ch.repeat(this.columns), bold: false, unprintable: [] });
  }

  blank(): void {
    this.blocks.push({ type: 'line', text: '', bold: false, unprintable: [] });
  }
}

export function layoutReceipt(receipt: Receipt, columns: ReceiptColumns): ReceiptLayout {
  const b = new Builder(columns);
  const t = RECEIPT_LABELS[receipt.language];
  const money = (minor: number) => receiptMoney(minor, receipt.currency);

  if (receipt.shop.logo) b.blocks.push({ type: 'logo' });
  b.centered(receipt.shop.name, true);
  for (const h of receipt.shop.headerLines) b.centered(h);
  b.centered(receipt.kind === 'refund' ? t.refund : t.sale, true);
  if (receipt.reprint) b.centered(t.reprint, true);
  if (receipt.demo) b.centered(t.demo, true);
  b.rule();

  b.left(`${t.order}: ${receipt.orderNumber}`);
  b.left(`${t.time}: ${receipt.dateTime}`);
  const till = `${t.till}: ${receipt.tillId}`;
  if (receipt.cashier) b.pair(till, `${t.cashier}: ${receipt.cashier}`);
  else b.left(till);
  if (receipt.refundNumber) b.left(`${t.refundNumber}: ${receipt.refundNumber}`);
  if (receipt.approvedBy) b.left(`${t.approvedBy}: ${receipt.approvedBy}`);
  b.rule();

  for (const line of receipt.lines) {
    const gross = line.amountMinor + line.lineDiscountMinor;
    // A weighed line says its weight (kg, three decimals, from whole grams) instead of "1 x".
    const grams = line.weightGrams ?? null;
    const qty =
      grams === null
        ? `${line.quantity} x ${money(line.unitPriceMinor)}`
        : `${Math.floor(grams / 1000)}.${String(grams % 1000).padStart(3, '0')}kg`;
    b.pair(line.name, `${qty} ${money(gross)}`);
    if (line.lineDiscountMinor) b.pair(`  ${t.discount}`, money(-line.lineDiscountMinor));
  }
  if (receipt.lines.length) b.rule();

  if (receipt.kind === 'sale') {
    b.pair(t.subtotal, money(receipt.subtotalMinor));
    if (receipt.orderDiscountMinor) b.pair(t.orderDiscount, money(-receipt.orderDiscountMinor));
  }
  b.pair(receipt.kind === 'refund' ? t.refundTotal : t.total, money(receipt.totalMinor), true);
  if (receipt.taxMinor) b.pair(t.tax, money(receipt.taxMinor));
  b.rule();

  for (const p of receipt.payments) {
    b.pair(paymentLabel(p, receipt.language), money(p.amountMinor));
    if (p.maskedCode) b.pair(`  ${t.paymentCode}`, p.maskedCode);
    if (p.tradeNumber) b.pair(`  ${t.tradeNumber}`, p.tradeNumber);
    if (p.providerRef) b.pair(`  ${providerRefLabel(p, receipt)}`, p.providerRef);
  }
  if (receipt.tenderedMinor !== null) b.pair(t.tendered, money(receipt.tenderedMinor));
  if (receipt.changeMinor !== null) b.pair(t.change, money(receipt.changeMinor));

  if (receipt.shop.footerLines.length) {
    b.rule();
    for (const f of receipt.shop.footerLines) b.centered(f);
  }
  b.blank();
  b.blocks.push({ type: 'qr', payload: receipt.qrPayload });
  b.centered(receipt.qrPayload);
  return { columns, blocks: b.blocks, unprintable: b.unprintable };
}
