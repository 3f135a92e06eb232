// Today's orders, newest first; a row opens to show its lines. Reloads when an order changes.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order, Payment } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { request } from '../api/call';
import { reprint, usePrinter } from '../stores/printer';
import { client } from '../api/client';
import { DemoBadge } from '../components/DemoBadge';
import { Modal } from '../components/Modal';
import { PaymentLookup } from '../components/PaymentLookup';
import { displayName, formatTime, useLocale } from '../format';
import { statusKey } from '../paymentText';
import { openRefund } from '../stores/refund';
import { closeDialog } from '../stores/ui';
import { ReceiptPreviewDialog } from './ReceiptPreview';

function PaymentRow({ payment: p, money }: { payment: Payment; money: (minor: number) => string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  return (
    <li
      className="history-payment"
      data-testid="history-payment"
      data-method={p.method}
      data-status={p.status}
      data-payment-id={p.id}
    >
      <span>
        {t(`pay.method.${p.method}`)} · <span data-testid="history-payment-status">{t(statusKey(p))}</span>
        {p.maskedCode && (
          <span className="mono" data-testid="history-masked-code">
            {' '}
            {p.maskedCode}
          </span>
        )}
        {p.confirmedByHand && (
          <span className="history-by-hand" data-testid="history-by-hand">
            {' '}
            · {t('history.byHand')}
          </span>
        )}
        {p.refundedMinor > 0 && <span> · {t('history.refunded', { amount: money(p.refundedMinor) })}</span>}
        {p.isDemo && <DemoBadge inline />}
      </span>
      <span className="muted">
        {formatTime(p.settledAt ?? p.createdAt, locale)}
        {p.tradeNumber ? ` · ${t('history.tradeNo', { number: p.tradeNumber })}` : ''}
      </span>
      <span data-testid="history-payment-amount">{money(p.amountMinor)}</span>
    </li>
  );
}

function OrderRow({ order }: { order: Order }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const [preview, setPreview] = useState(false);
  const closePreview = useCallback(() => setPreview(false), []);
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  const printerSet = usePrinter((s) => s.status !== null && s.status.state !== 'none');
  const paid = order.payments.filter((p) => p.status === 'paid' || p.refundedMinor > 0);
  const payment = paid.find((p) => p.method === 'cash');
  const methods = [...new Set(paid.map((p) => p.method))];
  const methodText = methods.map((m) => t(`pay.method.${m}`)).join(' + ');
  return (
    <li className="history-item" data-testid="history-item" data-number={order.number} data-order-id={order.id}>
      <button type="button" className="history-row" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="history-number" data-testid="history-number">
          {order.number}
        </span>
        <span className="history-time">{formatTime(order.completedAt ?? order.createdAt, locale)}</span>
        <span className="history-items">{order.itemCount}</span>
        <span
          className="history-method"
          data-testid="history-method"
          data-methods={methods.join(' ')}
          title={methodText}
        >
          {methodText}
        </span>
        <span className="history-cash">
          {payment?.tenderedMinor != null && (
            <>
              {t('history.tendered')} {money(payment.tenderedMinor)} · {t('history.change')}{' '}
              {money(payment.changeMinor ?? 0)}
            </>
          )}
        </span>
        <span className="history-total" data-testid="history-total">
          {money(order.totalMinor)}
        </span>
      </button>
      {open && (
        <ul className="history-lines" data-testid="history-lines">
          {order.lines.map((l) => (
            <li key={l.id} data-testid="history-line">
              <span>{displayName(l, locale)}</span>
              <span className="muted">
                {t('history.lineQty', { quantity: l.quantity, price: money(l.unitPriceMinor) })}
              </span>
              <span>{money(l.totalMinor)}</span>
            </li>
          ))}
          {order.discountMinor > 0 && (
            <li className="muted">
              <span>{t('history.discount')}</span>
              <span />
              <span>−{money(order.discountMinor)}</span>
            </li>
          )}
          {order.payments.length > 0 && (
            <li className="history-payments-head muted">
              <span>{t('history.payments')}</span>
            </li>
          )}
          {order.payments.map((p) => (
            <PaymentRow key={p.id} payment={p} money={money} />
          ))}
          {order.status === 'completed' && (
            <li className="history-actions">
              <button
                type="button"
                className="btn btn-small"
                data-testid="history-receipt"
                onClick={() => setPreview(true)}
              >
                {t('printer.preview.button')}
              </button>
              <button
                type="button"
                className="btn btn-small"
                data-testid="refund-order"
                onClick={() => openRefund({ orderId: order.id })}
              >
                {t('refund.open')}
              </button>
              {printerSet && (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="history-reprint"
                  onClick={() => void reprint(order.id)}
                >
                  {t('printer.reprint')}
                </button>
              )}
            </li>
          )}
        </ul>
      )}
      {preview && <ReceiptPreviewDialog orderId={order.id} orderNumber={order.number} onClose={closePreview} />}
    </li>
  );
}

/** Orders a page of History brings (three queries on the till, whatever the day's size). */
const HISTORY_PAGE = 50;

export function HistoryDialog() {
  const { t } = useTranslation();
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [more, setMore] = useState(false);
  const shown = useRef(0);
  shown.current = orders?.length ?? 0;

  useEffect(() => {
    let live = true;
    // Again from the newest, as many as are shown: a sale or a refund meanwhile keeps the list in place.
    const load = () => {
      const limit = Math.min(500, Math.max(HISTORY_PAGE, shown.current));
      void request('orders.today', { limit }).then((list) => {
        if (!live || !list) return;
        setOrders(list);
        setMore(list.length === limit);
      });
    };
    load();
    const off = client.on('orders.changed', load);
    return () => {
      live = false;
      off();
    };
  }, []);

  const loadMore = async () => {
    const beforeId = orders?.at(-1)?.id;
    const page = await request('orders.today', { limit: HISTORY_PAGE, beforeId });
    if (!page) return;
    setOrders((now) => [...(now ?? []), ...page.filter((o) => !now?.some((n) => n.id === o.id))]);
    setMore(page.length === HISTORY_PAGE);
  };

  return (
    <Modal title={t('history.title')} onClose={closeDialog} testId="history-dialog" size="lg">
      <PaymentLookup />
      <button type="button" className="btn btn-small" data-testid="refund-find-open" onClick={() => openRefund()}>
        {t('refund.openFind')}
      </button>
      {orders === null ? (
        <p className="empty">{t('common.loading')}</p>
      ) : orders.length === 0 ? (
        <p className="empty" data-testid="history-empty">
          {t('history.empty')}
        </p>
      ) : (
        <>
          <div className="history-head" aria-hidden="true">
            <span>{t('history.number')}</span>
            <span>{t('history.time')}</span>
            <span>{t('history.items')}</span>
            <span>{t('history.payment')}</span>
            <span />
            <span>{t('history.total')}</span>
          </div>
          <ul className="history-list" data-testid="history-list">
            {orders.map((o) => (
              <OrderRow key={o.id} order={o} />
            ))}
          </ul>
          {more && (
            <button type="button" className="btn" data-testid="history-more" onClick={() => void loadMore()}>
              {t('history.more')}
            </button>
          )}
        </>
      )}
    </Modal>
  );
}
