// Risk alerts in /reports (the lead mounts it with the page's days): each alert in words, its rule, time and
// severity, and the journal entries behind it, with a link to its order when the page gives one. Made for a phone
// as much as the till. Looking here restarts the lock screen's count (alerts.seen).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrailTarget } from './TrailDialog';
import type { Alert } from '../../../shared/alerts';
import { client } from '../api/client';
import { useLocale, useMoney } from '../format';
import { alertText } from './alertText';

const stamps = new Map<string, Intl.DateTimeFormat>();

function stamp(iso: string, locale: string): string {
  let f = stamps.get(locale);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    stamps.set(locale, f);
  }
  return f.format(new Date(iso));
}

export function Alerts({
  fromDay,
  toDay,
  onOpenTrail,
}: {
  fromDay: string;
  toDay: string;
  /** Opens the alert's order and journal entries (the page's trail view); without it they are named, not linked. */
  onOpenTrail?: (target: TrailTarget) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setAlerts(null);
    setFailed(false);
    void client.call('alerts.list', { fromDay, toDay }).then((r) => {
      if (!live) return;
      if (!r.ok) return setFailed(true);
      setAlerts(r.value);
      // Seen: the lock screen counts from now on. Plain call: whoever may not ('reports') is not asked for a PIN.
      void client.call('alerts.seen', {});
    });
    return () => {
      live = false;
    };
  }, [fromDay, toDay]);

  return (
    <section className="reports-card report-alerts" data-testid="report-alerts" aria-busy={alerts === null && !failed}>
      <h2>
        {t('alerts.title')}
        {alerts && alerts.length > 0 && <span className="alert-count"> {alerts.length}</span>}
      </h2>
      {failed && <p className="form-error">{t('alerts.failed')}</p>}
      {!failed && alerts === null && <p className="muted">{t('common.loading')}</p>}
      {alerts?.length === 0 && (
        <p className="muted" data-testid="alerts-none">
          {t('alerts.none')}
        </p>
      )}
      {alerts && alerts.length > 0 && (
        <ul className="alert-list">
          {alerts.map((a) => (
            <li
              key={a.id}
              className={`alert-item alert-${a.severity}`}
              data-testid="alert"
              data-rule={a.rule}
              data-id={a.id}
            >
              <div className="alert-head">
                <span className={`alert-severity alert-severity-${a.severity}`}>
                  {t(`alerts.severity.${a.severity}`)}
                </span>
                <strong className="alert-rule">{t(`alerts.rule.${a.rule}`)}</strong>
                <time className="muted" dateTime={a.at}>
                  {stamp(a.at, locale)}
                </time>
              </div>
              <p className="alert-text" data-testid="alert-text">
                {alertText(t, a, money)}
              </p>
              <div className="alert-meta muted">
                {onOpenTrail && (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="alert-trail"
                    onClick={() => onOpenTrail({ orderId: a.orderId, journalIds: a.journalIds })}
                  >
                    {a.orderId !== null && a.orderNumber
                      ? t('alerts.openOrder', { order: a.orderNumber })
                      : t('trail.openEntries')}
                  </button>
                )}
                {a.shiftNumber && <span>{t('alerts.shift', { shift: a.shiftNumber })}</span>}
                <span data-testid="alert-entries">
                  {t('alerts.entries', { ids: a.journalIds.map((id) => `#${id}`).join(', ') })}
                </span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
