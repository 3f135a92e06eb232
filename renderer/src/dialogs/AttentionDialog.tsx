// Payments that need a person: money that arrived after its attempt ended, attempts the cashier
// abandoned, and ones still unsettled after a restart. The till says which actions each allows.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttentionItem } from '../../../shared/api';
import { request } from '../api/call';
import { client } from '../api/client';
import { SHORTCUTS } from '../cashier/shortcutKeys';
import { DemoBadge } from '../components/DemoBadge';
import { Modal } from '../components/Modal';
import { PaymentLookup } from '../components/PaymentLookup';
import { formatTime, useLocale, useMoney } from '../format';
import { statusKey } from '../paymentText';
import { usePay } from '../stores/payment';
import { closeDialog, showToast } from '../stores/ui';
import { useBusy } from './useBusy';

type Action = AttentionItem['actions'][number];

function Item({ item, onResolved }: { item: AttentionItem; onResolved: (items: AttentionItem[]) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const [busy, run] = useBusy();
  const [confirmRefund, setConfirmRefund] = useState(false);
  const p = item.payment;
  const amount = money(p.amountMinor);

  const resolve = (action: Action) =>
    run(async () => {
      const items = await request('attention.resolve', { paymentId: p.id, action });
      if (!items) return;
      setConfirmRefund(false);
      onResolved(items);
      showToast({ kind: 'success', key: 'attention.done' });
    });

  return (
    <li
      className="attention-item"
      data-testid="attention-item"
      data-payment-id={p.id}
      data-order-id={item.orderId}
      data-reason={item.reason}
      data-status={p.status}
    >
      <div className="attention-main">
        <span className="attention-order" data-testid="attention-order">
          {t('attention.order', { number: item.orderNumber || `#${item.orderId}` })}
        </span>
        <span className="attention-amount" data-testid="attention-amount">
          {amount}
        </span>
        <span className="attention-reason" data-testid="attention-reason">
          {p.reason === 'amount_mismatch'
            ? t('attention.amountMismatch')
            : t(`attention.reason.${item.reason}`, { key: SHORTCUTS.recall })}
        </span>
        <span className="muted">
          {t(`pay.method.${p.method}`)} · {t(statusKey(p))} · {formatTime(p.settledAt ?? p.createdAt, locale)}
          {p.maskedCode ? ` · ${p.maskedCode}` : ''}
          {p.tradeNumber ? ` · ${t('history.tradeNo', { number: p.tradeNumber })}` : ''}
        </span>
        {item.refund && item.refund.status !== 'refunded' && (
          <span
            className={item.refund.status === 'failed' ? 'reason reason-error' : 'muted'}
            data-testid="attention-refund"
            data-status={item.refund.status}
          >
            {t(`attention.refundState.${item.refund.status}`, { number: item.refund.refundNumber })}
            {item.refund.failure &&
              ` ${t(`attention.refundFailure.${refundFailureKey(item.refund.failure)}`, { code: item.refund.failure })}`}
          </span>
        )}
        {p.isDemo && <DemoBadge inline />}
      </div>
      {confirmRefund ? (
        <div className="pay-confirm" data-testid="attention-refund-panel">
          <p className="confirm-text">{t('attention.refundBody', { amount })}</p>
          <div className="button-row">
            <button type="button" className="btn" onClick={() => setConfirmRefund(false)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="attention-refund-confirm"
              disabled={busy}
              onClick={() => void resolve('refund')}
            >
              {t('attention.refundYes', { amount })}
            </button>
          </div>
        </div>
      ) : (
        <div className="button-row">
          {item.actions.map((action) => (
            <button
              key={action}
              type="button"
              className={`btn${action === 'refund' ? ' btn-danger' : action === 'apply' ? ' btn-primary' : ''}`}
              data-testid={`attention-${action}`}
              disabled={busy}
              onClick={() => (action === 'refund' ? setConfirmRefund(true) : void resolve(action))}
            >
              {t(`attention.${action}`)}
            </button>
          ))}
        </div>
      )}
    </li>
  );
}

/** A provider's refund failure code with a known next step (WeChat Pay ABNORMAL / CLOSED), else 'other'. */
function refundFailureKey(code: string): 'ABNORMAL' | 'CLOSED' | 'other' {
  return code === 'ABNORMAL' || code === 'CLOSED' ? code : 'other';
}

export function AttentionDialog() {
  const { t } = useTranslation();
  const [items, setItems] = useState<AttentionItem[] | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      void request('attention.list', {}).then((list) => {
        if (live && list) setItems(list);
      });
    load();
    const offs = [client.on('attention.changed', load), client.on('payment.changed', load)];
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, []);

  const resolved = (list: AttentionItem[]) => {
    setItems(list);
    usePay.setState({ attentionCount: list.length });
  };

  return (
    <Modal title={t('attention.title')} onClose={closeDialog} testId="attention-dialog" size="lg">
      <PaymentLookup />
      {items === null ? (
        <p className="empty">{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty" data-testid="attention-empty">
          {t('attention.empty')}
        </p>
      ) : (
        <ul className="attention-list" data-testid="attention-list">
          {items.map((item) => (
            <Item key={item.payment.id} item={item} onResolved={resolved} />
          ))}
        </ul>
      )}
    </Modal>
  );
}
