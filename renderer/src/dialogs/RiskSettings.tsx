// Settings → Risk alerts (the owner): the thresholds (a large refund, refunds per shift, declined payments in a
// window) and which rules to be told about. A cashier sees only that this is the owner's.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALERT_RULES, type AlertRule } from '../../../shared/alerts';
import type { Settings } from '../../../shared/domain';
import { minorToDecimal, parseMoney } from '../../../shared/money';
import { updateSettings } from '../stores/settings';
import { useStaff } from '../stores/staff';
import { showToast } from '../stores/ui';
import { useBusy } from './useBusy';

const whole = (v: string, min: number, max: number) => Math.min(max, Math.max(min, Math.trunc(Number(v)) || min));

export function RiskSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const owner = useStaff((s) => s.status?.signedIn?.role === 'owner');
  const [rules, setRules] = useState(settings.riskRules);
  const [refundOver, setRefundOver] = useState(minorToDecimal(settings.riskRules.refundOverMinor, settings.currency));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, run] = useBusy();

  if (!owner) {
    return (
      <section className="settings-section" data-testid="settings-risk">
        <h3>{t('alerts.settings.title')}</h3>
        <p className="muted">{t('alerts.settings.ownerOnly')}</p>
      </section>
    );
  }

  const toggle = (rule: AlertRule, on: boolean) =>
    setRules({ ...rules, off: on ? rules.off.filter((r) => r !== rule) : [...rules.off, rule] });

  return (
    <section className="settings-section" data-testid="settings-risk">
      <h3>{t('alerts.settings.title')}</h3>
      <p className="muted">{t('alerts.settings.help')}</p>
      <form
        className="shop-form"
        onSubmit={(e) => {
          e.preventDefault();
          const amount = parseMoney(refundOver, settings.currency);
          if (!amount.ok) return setProblem(t('alerts.settings.badAmount'));
          setProblem(null);
          void run(async () => {
            if (await updateSettings({ riskRules: { ...rules, refundOverMinor: amount.minor } })) {
              showToast({ kind: 'success', key: 'settings.saved' });
            }
          });
        }}
      >
        <label className="field">
          <span>{t('alerts.settings.refundOver')}</span>
          <input
            inputMode="decimal"
            data-testid="risk-refund-over"
            value={refundOver}
            onChange={(e) => setRefundOver(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('alerts.settings.refundsPerShift')}</span>
          <input
            type="number"
            min={1}
            max={1000}
            data-testid="risk-refunds-per-shift"
            value={rules.refundsPerShift}
            onChange={(e) => setRules({ ...rules, refundsPerShift: whole(e.target.value, 1, 1000) })}
          />
        </label>
        <label className="field">
          <span>{t('alerts.settings.declinedPayments')}</span>
          <input
            type="number"
            min={1}
            max={1000}
            data-testid="risk-declined"
            value={rules.declinedPayments}
            onChange={(e) => setRules({ ...rules, declinedPayments: whole(e.target.value, 1, 1000) })}
          />
        </label>
        <label className="field">
          <span>{t('alerts.settings.declinedWindow')}</span>
          <input
            type="number"
            min={1}
            max={1440}
            data-testid="risk-declined-window"
            value={rules.declinedWindowMinutes}
            onChange={(e) => setRules({ ...rules, declinedWindowMinutes: whole(e.target.value, 1, 1440) })}
          />
        </label>
        <fieldset className="risk-rules">
          <legend>{t('alerts.settings.rules')}</legend>
          {ALERT_RULES.map((rule) => (
            <label key={rule} className="check">
              <input
                type="checkbox"
                data-testid="risk-rule"
                data-rule={rule}
                checked={!rules.off.includes(rule)}
                onChange={(e) => toggle(rule, e.target.checked)}
              />{' '}
              {t(`alerts.rule.${rule}`)}
            </label>
          ))}
        </fieldset>
        {problem && (
          <p className="form-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="btn" disabled={busy} data-testid="risk-save">
          {t('alerts.settings.save')}
        </button>
      </form>
    </section>
  );
}
