// The refund receipt: what a refund ticket gave back, line by line and per payment (its refund numbers), who did
// it and who approved it, with the original order's number and QR; queued with the sale receipts, with the drawer
// kick when the drawer paid part of it. A printer that is off leaves it queued; none set up: no receipt.
import { receiptTextLines } from '../../shared/printer';
import { buildReceipt, type ReceiptLine } from '../../shared/receipt';
import type { PaymentsRepo, RefundTicketRow, TicketRefundRow } from '../db/index';
import { receiptToEscPos } from '../printing/escpos';
import { receiptToHtml } from '../printing/receipt-html';
import { isoNow, type TillContext } from './context';
import type { OpenOrder } from './open-order';
import type { Printing } from './printing';
import type { Authorized } from './staff';

const INSTALL_ID_KEY = 'till.installId';

export interface ReceiptDeps {
  ctx: TillContext;
  open: OpenOrder;
  printing: Printing;
}

/** Paid from the drawer: a cash payment's part, or one paid in cash instead. */
export function isDrawerPart(p: TicketRefundRow, payments: PaymentsRepo): boolean {
  return p.cash_instead === 1 || payments.byId(p.payment_id)?.method === 'cash';
}

/**
 * Inside a transaction: the refund receipt queued (with the drawer kick when the drawer paid part of it and
 * `kick`); null without a printer (the refund stands). `only`: the parts this receipt is for (cash instead), and
 * `auth` who paid them.
 */
export function queueRefundReceipt(
  { ctx, open, printing }: ReceiptDeps,
  t: RefundTicketRow,
  parts: readonly TicketRefundRow[],
  o: { kick: boolean; only?: readonly Record<string, unknown>[]; auth?: Authorized },
): number | null {
  if (!printing.uri()) return null;
  const { only, auth } = o;
  const order = open.orderById(t.order_id);
  const s = ctx.settings.get();
  const payments = ctx.repos.payments;
  const numbers = only ? new Set(only.map((p) => p.refundNumber)) : null;
  // A refused part gave nothing back; what is still on its way is listed: the provider has it under its number.
  const shown = parts.filter((p) => p.status !== 'failed' && (!numbers || numbers.has(p.refund_number)));
  const drawer = shown.some((p) => isDrawerPart(p, payments));
  const lines: ReceiptLine[] = only
    ? []
    : ctx.repos.refunds.linesOf(t.id).map((l) => {
        const line = order.lines.find((x) => x.id === l.order_line_id)!;
        return {
          name: line.name,
          quantity: l.quantity,
          unitPriceMinor: line.unitPriceMinor,
          lineDiscountMinor: 0,
          amountMinor: l.amount_minor,
        };
      });
  const receipt = buildReceipt({
    order,
    shop: {
      name: s.shopName,
      headerLines: receiptTextLines(s.printer.header),
      footerLines: receiptTextLines(s.printer.footer),
      logo: null,
    },
    tillId: ctx.tillId,
    language: s.language === 'en' ? 'en' : 'zh-CN',
    cashier: auth?.by.name ?? t.by_name,
    installId: ctx.repos.settings.get<string>(INSTALL_ID_KEY),
    refund: {
      at: isoNow(ctx),
      totalMinor: shown.reduce((a, p) => a + p.amount_minor, 0),
      lines,
      number: t.number,
      approvedBy: auth ? (auth.approvedBy?.name ?? null) : t.approved_by_name,
      payments: shown.map((p) => {
        const pay = order.payments.find((x) => x.id === p.payment_id)!;
        const cash = isDrawerPart(p, payments);
        return {
          method: cash ? 'cash' : pay.method,
          provider: cash ? null : pay.provider,
          amountMinor: p.amount_minor,
          tradeNumber: cash ? null : pay.tradeNumber,
          providerRef: p.refund_number,
          maskedCode: null,
          isDemo: pay.isDemo,
        };
      }),
    },
  });
  const { columns, drawerPin } = printing.pageLayout();
  const kick = o.kick && drawer;
  return printing.printDocument({
    kind: 'refund',
    orderId: t.order_id,
    bytes: receiptToEscPos(receipt, { columns, kickDrawer: kick, drawerPin }),
    retryBytes: kick ? receiptToEscPos(receipt, { columns, kickDrawer: false, drawerPin }) : null,
    html: receiptToHtml(receipt, { columns }),
    kick,
  }).jobId;
}
