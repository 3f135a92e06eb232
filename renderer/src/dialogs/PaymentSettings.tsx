// Settings for scan to pay: how long a QR is valid, the largest amount per method (money inputs that
// refuse too many decimals), how long a payment-code charge waits, and the shop's own bank QR.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BankQrSettings, Settings, WalletMethod } from '../../../shared/domain';
import { BankQrScheme } from '../../../shared/domain';
import { minorToDecimal, parseMoney } from '../../../shared/money';
import { SCHEME_NAMES } from '../paymentText';
import { updateSettings } from '../stores/settings';
import { showToast } from '../stores/ui';
import { moneyInputError } from './money';
import { useBusy } from './useBusy';

const LIMIT_LABELS = {
  qr: 'settings.limitQr',
  payment_code: 'settings.limitCode',
  bank_qr: 'settings.limitBank',
} as const satisfies Record<WalletMethod, string>;
const METHODS = Object.keys(LIMIT_LABELS) as WalletMethod[];

function wholeSeconds(text: string, min: number, max: number): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

export function PaymentSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const currency = settings.currency;
  const [expiry, setExpiry] = useState(String(settings.payExpirySeconds));
  const [codeWait, setCodeWait] = useState(String(settings.paymentCodeWaitSeconds));
  const [limits, setLimits] = useState<Record<WalletMethod, string>>(() => ({
    qr: minorToDecimal(settings.payLimits.qr, currency),
    payment_code: minorToDecimal(settings.payLimits.payment_code, currency),
    bank_qr: minorToDecimal(settings.payLimits.bank_qr, currency),
  }));
  const [bank, setBank] = useState<BankQrSettings>(settings.bankQr);
  const [busy, run] = useBusy();

  const expiryValue = wholeSeconds(expiry, 30, 1800);
  const codeWaitValue = wholeSeconds(codeWait, 10, 300);
  const parsedLimits = METHODS.map((m) => [m, parseMoney(limits[m], currency)] as const);
  const limitErrors = Object.fromEntries(parsedLimits.map(([m, r]) => [m, moneyInputError(t, r, currency)])) as Record<
    WalletMethod,
    string | null
  >;
  const valid = expiryValue !== null && codeWaitValue !== null && parsedLimits.every(([, r]) => r.ok);

  const save = () =>
    run(async () => {
      if (!valid) return;
      const payLimits = Object.fromEntries(parsedLimits.map(([m, r]) => [m, r.ok ? r.minor : 0])) as Record<
        WalletMethod,
        number
      >;
      const ok = await updateSettings({
        payExpirySeconds: expiryValue,
        paymentCodeWaitSeconds: codeWaitValue,
        payLimits,
        bankQr: bank,
      });
      if (ok) showToast({ kind: 'success', key: 'settings.saved' });
    });

  const bankField = (key: 'account' | 'guid' | 'merchantName' | 'merchantCity', label: string, max: number) => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`settings-bank-${key}`}
        maxLength={max}
        value={bank[key]}
        onChange={(e) => setBank({ ...bank, [key]: e.target.value })}
      />
    </label>
  );

  return (
    <form
      className="settings-section"
      data-testid="settings-payments"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{t('settings.payments')}</h3>
      <div className="form-cols">
        <label className="field">
          <span>{t('settings.payExpiry')}</span>
          <input
            data-testid="settings-pay-expiry"
            inputMode="numeric"
            className={expiryValue === null ? 'invalid' : ''}
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
          />
          {expiryValue === null && (
            <small className="reason-error">{t('settings.badSeconds', { min: 30, max: 1800 })}</small>
          )}
        </label>
        <label className="field">
          <span>{t('settings.codeWait')}</span>
          <input
            data-testid="settings-code-wait"
            inputMode="numeric"
            className={codeWaitValue === null ? 'invalid' : ''}
            value={codeWait}
            onChange={(e) => setCodeWait(e.target.value)}
          />
          {codeWaitValue === null && (
            <small className="reason-error">{t('settings.badSeconds', { min: 10, max: 300 })}</small>
          )}
        </label>
      </div>
      <fieldset className="plain-fieldset">
        <legend>{t('settings.limits')}</legend>
        <div className="form-cols">
          {METHODS.map((m) => (
            <label key={m} className="field">
              <span>
                {t(LIMIT_LABELS[m])} ({currency})
              </span>
              <input
                data-testid={`settings-limit-${m}`}
                inputMode="decimal"
                className={limitErrors[m] ? 'invalid' : ''}
                value={limits[m]}
                onChange={(e) => setLimits({ ...limits, [m]: e.target.value })}
              />
              {limitErrors[m] && (
                <small className="reason-error" data-testid={`settings-limit-${m}-error`}>
                  {limitErrors[m]}
                </small>
              )}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="plain-fieldset">
        <legend>{t('settings.bankQr')}</legend>
        <label className="check">
          <input
            type="checkbox"
            data-testid="settings-bank-enabled"
            checked={bank.enabled}
            onChange={(e) => setBank({ ...bank, enabled: e.target.checked })}
          />
          <span>{t('settings.bankEnabled')}</span>
        </label>
        <div className="form-cols">
          <label className="field">
            <span>{t('settings.bankScheme')}</span>
            <select
              data-testid="settings-bank-scheme"
              value={bank.scheme}
              onChange={(e) => setBank({ ...bank, scheme: e.target.value as BankQrSettings['scheme'] })}
            >
              {BankQrScheme.options.map((s) => (
                <option key={s} value={s}>
                  {SCHEME_NAMES[s]}
                </option>
              ))}
            </select>
          </label>
          {bankField('account', t('settings.bankAccount'), 77)}
          {bank.scheme === 'emv' && bankField('guid', t('settings.bankGuid'), 32)}
          {bankField('merchantName', t('settings.bankName'), 25)}
          {bankField('merchantCity', t('settings.bankCity'), 15)}
        </div>
      </fieldset>
      <div className="button-row">
        <button type="submit" className="btn btn-primary" data-testid="settings-pay-save" disabled={busy || !valid}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
