// "I paid!" at the counter: the cashier types our trade number or the number the customer's wallet shows,
// and sees the wallet's answer in plain words with what to do. There is deliberately no "mark paid": an open
// payment the wallet says is paid is settled by the till itself, and "Check again" only asks the wallet.
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, PayLookup } from '../../../shared/api';
import { client } from '../api/client';
import { useBusy } from '../dialogs/useBusy';
import { formatTime, useLocale, useMoney } from '../format';
import { errorText } from '../i18n/index';
import { adviceOf, LOOKUP_NUMBER, walletKey, whyKey } from '../lookupText';
import { DemoBadge } from './DemoBadge';

export function PaymentLookup() {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const [busy, run] = useBusy();
  const [number, setNumber] = useState('');
  const [result, setResult] = useState<PayLookup | null>(null);
  const [error, setError] = useState<string | null>(null);

  const wallet = (provider: string | null) => t(walletKey(provider), { name: provider ?? '' });

  const explain = (e: ApiError): string => {
    const p = e.params ?? {};
    if (e.code === 'INVALID_INPUT') {
      return p.reason === 'payment_code' ? t('lookup.errors.paymentCode') : t('lookup.errors.format');
    }
    if (e.code === 'PROVIDER_ERROR') {
      const why = whyKey(p.reason);
      return t('lookup.errors.provider', {
        wallet: wallet(String(p.provider ?? '')),
        why: t(`lookup.why.${why}`, { code: String(p.reason ?? '') }),
      });
    }
    if (e.code === 'PAYMENT_STATE' && p.reason === 'bank_qr') return t('lookup.errors.bankQr');
    if (e.code === 'PAYMENT_UNAVAILABLE' && p.reason === 'not_configured') {
      return t('lookup.errors.notSetUp', { wallet: wallet(String(p.provider ?? '')) });
    }
    return errorText(t, e, money);
  };

  const lookUp = (value: string) =>
    run(async () => {
      setError(null);
      setResult(null);
      const r = await client.call('pay.lookup', { number: value });
      if (r.ok) setResult(r.value);
      else setError(explain(r.error));
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const value = number.trim();
    if (!LOOKUP_NUMBER.test(value)) {
      setResult(null);
      setError(t('lookup.errors.format'));
      return;
    }
    void lookUp(value);
  };

  // Asks the wallet again through the engine (pay.check), then shows the fresh answer.
  const checkAgain = (paymentId: number, value: string) =>
    run(async () => {
      const r = await client.call('pay.check', { paymentId });
      if (!r.ok) {
        setError(explain(r.error));
        return;
      }
      const again = await client.call('pay.lookup', { number: value });
      if (again.ok) setResult(again.value);
      else setError(explain(again.error));
    });

  const advice = result ? adviceOf(result) : null;
  const name = result ? wallet(result.provider) : '';

  return (
    <section className="payment-lookup" data-testid="lookup">
      <form className="form-grid" onSubmit={submit}>
        <label className="field">
          <span>{t('lookup.title')}</span>
          <input
            data-testid="lookup-number"
            value={number}
            maxLength={80}
            autoComplete="off"
            spellCheck={false}
            placeholder={t('lookup.placeholder')}
            aria-label={t('lookup.label')}
            onChange={(e) => setNumber(e.target.value)}
          />
        </label>
        <p className="hint">{t('lookup.hint')}</p>
        <div className="button-row">
          <button type="submit" className="btn btn-primary" data-testid="lookup-submit" disabled={busy}>
            {busy ? t('lookup.asking') : t('lookup.button')}
          </button>
        </div>
      </form>
      {error && (
        <p className="confirm-text" role="alert" data-testid="lookup-error">
          {error}
        </p>
      )}
      {result && advice && (
        <div
          className="pay-confirm"
          data-testid="lookup-result"
          data-status={result.status}
          data-advice={advice.advice}
          aria-live="polite"
        >
          {result.provider && (
            <p data-testid="lookup-answer">
              <strong>{t('lookup.answer', { wallet: name, status: t(`lookup.status.${result.status}`) })}</strong>
              {result.isDemo && <DemoBadge inline />}
            </p>
          )}
          <p className="hint">
            {[
              result.amountMinor !== null && t('lookup.amount', { amount: money(result.amountMinor) }),
              result.paidAt && t('lookup.paidAt', { time: formatTime(result.paidAt, locale) }),
              result.tradeNumber && t('lookup.tradeNo', { number: result.tradeNumber }),
              result.providerRef && t('lookup.walletNo', { number: result.providerRef }),
            ]
              .filter(Boolean)
              .join(' · ')}
          </p>
          {result.orderNumber && <p data-testid="lookup-order">{t('lookup.order', { number: result.orderNumber })}</p>}
          <p className="confirm-text" data-testid="lookup-advice">
            {t(`lookup.advice.${advice.advice}`, { wallet: name })}
          </p>
          {advice.check && result.ours && (
            <div className="button-row">
              <button
                type="button"
                className="btn"
                data-testid="lookup-check"
                disabled={busy}
                onClick={() => void checkAgain(result.ours!.id, result.ours!.tradeNumber ?? number.trim())}
              >
                {t('lookup.check')}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
