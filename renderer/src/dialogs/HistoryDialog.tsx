// Today's orders, newest first; a row opens to show its lines. Reloads when an order changes.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Order } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { request } from '../api/call';
import { client } from '../api/client';
import { Modal } from '../components/Modal';
import { displayName, formatTime, useLocale } from '../format';
import { closeDialog } from '../stores/ui';

function OrderRow({ order }: { order: Order }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [open, setOpen] = useState(false);
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  const payment = order.payments[0];
  return (
    <li className="history-item" data-testid="history-item" data-number={order.number} data-order-id={order.id}>
      <button type="button" className="history-row" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span className="history-number" data-testid="history-number">
          {order.number}
        </span>
        <span className="history-time">{formatTime(order.completedAt ?? order.createdAt, locale)}</span>
        <span className="history-items">{order.itemCount}</span>
        <span className="history-method">
          {payment?.method === 'cash' ? t('history.methodCash') : (payment?.method ?? '')}
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
        </ul>
      )}
    </li>
  );
}

export function HistoryDialog() {
  const { t } = useTranslation();
  const [orders, setOrders] = useState<Order[] | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      void request('orders.today', { limit: 200 }).then((list) => {
        if (live && list) setOrders(list);
      });
    load();
    const off = client.on('orders.changed', load);
    return () => {
      live = false;
      off();
    };
  }, []);

  return (
    <Modal title={t('history.title')} onClose={closeDialog} testId="history-dialog" size="lg">
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
        </>
      )}
    </Modal>
  );
}
