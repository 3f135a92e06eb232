// A closed shift's report: per method sales, refunds and net; the drawer's float + cash sales − cash refunds
// ± in/out = expected, against the count and the difference; carry-overs; Print.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ShiftReportView } from '../../../shared/shift-api';
import { request } from '../api/call';
import { formatTime, useLocale, useMoney } from '../format';
import { CarriedOver } from './CarriedOver';

const METHOD_KEYS = ['cash', 'alipay', 'wechat', 'demo', 'bank_qr'] as const;

export function ShiftReport({ report }: { report: ShiftReportView }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney(report.figures.currency);
  const [print, setPrint] = useState(report.print);
  const { shift, figures } = report;
  const cash = figures.cash;
  const methodName = (key: string) =>
    (METHOD_KEYS as readonly string[]).includes(key) ? t(`shift.method.${key as (typeof METHOD_KEYS)[number]}`) : key;

  return (
    <div className="shift-report" data-testid="shift-report">
      <p className="muted">
        {t('shift.openedBy')}: {shift.openedBy.name} · {formatTime(shift.openedAt, locale)} — {t('shift.closedBy')}:{' '}
        {shift.closedBy?.name} · {formatTime(shift.closedAt, locale)}
      </p>
      <table className="shift-table">
        <thead>
          <tr>
            <th>{t('shift.methodColumn')}</th>
            <th>{t('shift.sales')}</th>
            <th>{t('shift.refunds')}</th>
            <th>{t('shift.net')}</th>
          </tr>
        </thead>
        <tbody>
          {figures.methods.map((m) => (
            <tr key={m.key} data-testid={`shift-row-${m.key}`}>
              <th>{methodName(m.key)}</th>
              <td data-testid="sales">{money(m.salesMinor)}</td>
              <td data-testid="refunds">{money(m.refundsMinor)}</td>
              <td data-testid="net">{money(m.netMinor)}</td>
            </tr>
          ))}
          <tr className="shift-total" data-testid="shift-row-total">
            <th>{t('shift.total')}</th>
            <td data-testid="sales">{money(figures.totals.salesMinor)}</td>
            <td data-testid="refunds">{money(figures.totals.refundsMinor)}</td>
            <td data-testid="net">{money(figures.totals.netMinor)}</td>
          </tr>
        </tbody>
      </table>
      <dl className="shift-cash">
        <div>
          <dt>{t('shift.float')}</dt>
          <dd data-testid="shift-float">{money(cash.floatMinor)}</dd>
        </div>
        <div>
          <dt>+ {t('shift.cashSales')}</dt>
          <dd>{money(cash.salesMinor)}</dd>
        </div>
        <div>
          <dt>− {t('shift.cashRefunds')}</dt>
          <dd>{money(cash.refundsMinor)}</dd>
        </div>
        <div>
          <dt>+ {t('shift.cashIn')}</dt>
          <dd>{money(cash.inMinor)}</dd>
        </div>
        <div>
          <dt>− {t('shift.cashOut')}</dt>
          <dd>{money(cash.outMinor)}</dd>
        </div>
        <div className="shift-expected">
          <dt>{t('shift.expected')}</dt>
          <dd data-testid="shift-expected">{money(cash.expectedMinor)}</dd>
        </div>
        <div>
          <dt>{t('shift.counted')}</dt>
          <dd data-testid="shift-counted">{money(cash.countedMinor ?? 0)}</dd>
        </div>
        <div className={cash.differenceMinor ? 'shift-difference-off' : undefined}>
          <dt>{t('shift.difference')}</dt>
          <dd data-testid="shift-difference">{money(cash.differenceMinor ?? 0)}</dd>
        </div>
      </dl>
      {figures.bankQrConfirmedByHand.length > 0 && (
        <section data-testid="shift-by-hand">
          <h3>{t('shift.byHand')}</h3>
          <ul>
            {figures.bankQrConfirmedByHand.map((b) => (
              <li key={b.paymentId}>
                {money(b.amountMinor)} · {b.confirmedBy ?? '?'}
              </li>
            ))}
          </ul>
        </section>
      )}
      <CarriedOver items={report.carriedOver} />
      {print?.problem && (
        <p className="muted" data-testid="shift-print-problem">
          {t('shift.notPrinted')}
        </p>
      )}
      <button
        type="button"
        className="btn btn-primary"
        data-testid="shift-print"
        onClick={() =>
          void request('shift.print', { shiftId: shift.id }).then((p) => {
            if (p) setPrint(p);
          })
        }
      >
        {t('shift.print')}
      </button>
    </div>
  );
}
