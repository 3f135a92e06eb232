// Where a figure came from: the order a mismatch or an alert names (its lines and payments) and the journal
// entries behind it, the named ones marked. Opened from the reconciliation and the risk alerts on /reports.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JournalTrail } from '../../../shared/report';
import { request } from '../api/call';
import { Modal } from '../components/Modal';
import { displayName, formatTime, useLocale, useMoney } from '../format';
import { useSettings } from '../stores/settings';

export interface TrailTarget {
  orderId: number | null;
  /** The entries behind the mismatch or alert (marked in the list). */
  journalIds: number[];
}

/** 'cart.lineAdded' → 'cart_lineAdded': i18next reads dots as nesting. */
const kindKey = (kind: string) => kind.replace(/\./g, '_');

export function TrailDialog({ target, onClose }: { target: TrailTarget; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const tillId = useSettings((s) => s.info?.tillId ?? '');
  const [trail, setTrail] = useState<JournalTrail | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    void request('journal.trail', {
      ...(target.orderId !== null ? { orderId: target.orderId } : {}),
      ids: target.journalIds.slice(0, 100),
    }).then((answer) => {
      if (!live) return;
      if (answer) setTrail(answer);
      else setFailed(true);
    });
    return () => {
      live = false;
    };
  }, [target]);

  const marked = new Set(target.journalIds);
  const order = trail?.order ?? null;
  const kindText = (kind: string) => {
    const key = `trail.kind.${kindKey(kind)}`;
    return i18n.exists(key) ? t(key as 'trail.kind.sale_completed') : kind;
  };

  return (
    <Modal
      title={order?.number ? t('trail.titleOrder', { number: `${tillId}-${order.number}` }) : t('trail.title')}
      onClose={onClose}
      testId="trail-dialog"
      size="lg"
    >
      {failed && <p className="form-error">{t('trail.failed')}</p>}
      {!failed && !trail && <p className="muted">{t('common.loading')}</p>}
      {order && (
        <section className="trail-order" data-testid="trail-order">
          <p className="muted">
            {t('trail.orderLine', {
              status: t(`trail.status.${order.status}`),
              at: formatTime(order.completedAt ?? order.createdAt, locale),
            })}
          </p>
          <ul className="trail-lines">
            {order.lines.map((l) => (
              <li key={l.id}>
                <span>
                  {displayName(l, locale)} × {l.quantity}
                </span>
                <span>{money(l.totalMinor, order.currency)}</span>
              </li>
            ))}
            <li className="trail-total">
              <span>{t('trail.total')}</span>
              <span>{money(order.totalMinor, order.currency)}</span>
            </li>
          </ul>
        </section>
      )}
      {trail && (
        <ol className="trail-entries" data-testid="trail-entries">
          {trail.entries.map((e) => (
            <li
              key={e.id}
              data-testid="trail-entry"
              data-id={e.id}
              className={marked.has(e.id) ? 'trail-entry is-marked' : 'trail-entry'}
            >
              <div className="trail-head">
                <strong>#{e.id}</strong> <span>{kindText(e.kind)}</span>{' '}
                <time className="muted" dateTime={e.at}>
                  {formatTime(e.at, locale)}
                </time>
              </div>
              {(e.by || e.approvedBy) && (
                <div className="muted">
                  {e.approvedBy
                    ? t('trail.byApproved', { by: e.by ?? '—', approvedBy: e.approvedBy })
                    : t('trail.by', { by: e.by ?? '—' })}
                </div>
              )}
              {e.detail !== '{}' && <code className="trail-detail">{e.detail}</code>}
            </li>
          ))}
        </ol>
      )}
    </Modal>
  );
}
