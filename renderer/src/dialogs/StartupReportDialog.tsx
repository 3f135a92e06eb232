// Shown once after a restart when payments were left open by the last run: which ones the startup check
// settled (a sale completed while the till was down, a QR closed unpaid) and how many still need attention.
import { useTranslation } from 'react-i18next';
import { SHORTCUTS } from '../cashier/shortcutKeys';
import { Modal } from '../components/Modal';
import { useMoney } from '../format';
import { usePay } from '../stores/payment';
import { closeDialog, openDialog } from '../stores/ui';
import { DemoBadge } from '../components/DemoBadge';

export function StartupReportDialog() {
  const { t } = useTranslation();
  const money = useMoney();
  const report = usePay((s) => s.startupReport);
  if (!report) return null;

  return (
    <Modal title={t('startup.title')} onClose={closeDialog} testId="startup-report" size="sm">
      <p className="muted">{t('startup.intro')}</p>
      <ul className="attention-list">
        {report.settled.map(({ payment, orderNumber, orderStatus }) => {
          const outcome =
            payment.status !== 'paid'
              ? 'closed'
              : payment.attention === 'late_payment'
                ? 'late'
                : orderStatus === 'completed'
                  ? 'completed'
                  : 'part';
          return (
            <li
              key={payment.id}
              className="attention-item"
              data-testid="startup-item"
              data-payment-id={payment.id}
              data-outcome={outcome}
            >
              <div className="attention-main">
                <span className="attention-order">{t('attention.order', { number: orderNumber })}</span>
                <span className="attention-amount">{money(payment.amountMinor)}</span>
                <span className={`attention-reason${outcome === 'completed' ? ' attention-reason-ok' : ''}`}>
                  {t(`startup.outcome.${outcome}`)}
                </span>
                {payment.isDemo && <DemoBadge />}
              </div>
            </li>
          );
        })}
      </ul>
      {report.unsettled > 0 && (
        <p className="confirm-text" data-testid="startup-unsettled">
          {t('startup.unsettled', { count: report.unsettled, key: SHORTCUTS.recall })}
        </p>
      )}
      <div className="button-row">
        {report.unsettled > 0 && (
          <button type="button" className="btn" onClick={() => openDialog('attention')}>
            {t('pay.late.open')}
          </button>
        )}
        <button type="button" className="btn btn-primary" data-testid="startup-ok" onClick={closeDialog}>
          {t('startup.ok')}
        </button>
      </div>
    </Modal>
  );
}
