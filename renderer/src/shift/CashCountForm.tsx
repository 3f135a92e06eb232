// Counting cash: notes and coins by denomination, or one total. Enter submits. Used to open a shift (the float)
// and for the blind count at the close, so it never shows what the till expects.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseMoney } from '../../../shared/money';
import { DENOMINATIONS_MINOR } from '../../../shared/shift';
import type { CashCountInput } from '../../../shared/shift-api';
import { moneyInputError } from '../dialogs/money';
import { useMoney } from '../format';

interface Props {
  currency: string;
  testId: string;
  submitLabel: string;
  busy: boolean;
  onSubmit: (count: CashCountInput) => void;
}

export function CashCountForm({ currency, testId, submitLabel, busy, onSubmit }: Props) {
  const { t } = useTranslation();
  const money = useMoney(currency);
  const denominations = DENOMINATIONS_MINOR[currency as keyof typeof DENOMINATIONS_MINOR] ?? [];
  const [mode, setMode] = useState<'total' | 'denominations'>(denominations.length ? 'denominations' : 'total');
  const [total, setTotal] = useState('');
  const [counts, setCounts] = useState<Record<number, string>>({});
  const form = useRef<HTMLFormElement>(null);
  // The first field takes the keyboard (also outside a dialog, and after switching between the two forms).
  useEffect(() => {
    form.current?.querySelector<HTMLInputElement>(`[data-autofocus="${mode}"]`)?.focus();
  }, [mode]);

  let error: string | null = null;
  let count: CashCountInput | null = null;
  let sum = 0;
  if (mode === 'total') {
    const parsed = total.trim() ? parseMoney(total, currency) : null;
    if (!parsed) error = t('shift.needTotal');
    else if (!parsed.ok) error = moneyInputError(t, parsed, currency);
    else count = { totalMinor: parsed.minor };
  } else {
    const byDenomination = [];
    for (const d of denominations) {
      const text = (counts[d] ?? '').trim();
      if (!text) continue;
      if (!/^\d{1,6}$/.test(text)) {
        error = t('shift.badCount');
        break;
      }
      byDenomination.push({ denominationMinor: d, count: Number(text) });
      sum += d * Number(text);
    }
    if (!error) count = { byDenomination };
  }

  return (
    <form
      ref={form}
      className="cash-count"
      data-testid={testId}
      onSubmit={(e) => {
        e.preventDefault();
        if (count && !busy) onSubmit(count);
      }}
    >
      {denominations.length > 0 && (
        <div className="segmented" role="radiogroup">
          <button
            type="button"
            className={`btn btn-small${mode === 'denominations' ? ' btn-primary' : ''}`}
            aria-pressed={mode === 'denominations'}
            data-testid={`${testId}-by-denomination`}
            onClick={() => setMode('denominations')}
          >
            {t('shift.byDenomination')}
          </button>
          <button
            type="button"
            className={`btn btn-small${mode === 'total' ? ' btn-primary' : ''}`}
            aria-pressed={mode === 'total'}
            data-testid={`${testId}-by-total`}
            onClick={() => setMode('total')}
          >
            {t('shift.oneTotal')}
          </button>
        </div>
      )}
      {mode === 'total' ? (
        <label className="field">
          <span>{t('shift.total')}</span>
          <input
            className="money-input"
            inputMode="decimal"
            data-autofocus="total"
            value={total}
            data-testid={`${testId}-total`}
            onChange={(e) => setTotal(e.target.value)}
          />
        </label>
      ) : (
        <div className="denomination-grid">
          {denominations.map((d, i) => (
            <label key={d} className="field denomination-row">
              <span>{money(d)}</span>
              <input
                inputMode="numeric"
                data-autofocus={i === 0 ? 'denominations' : undefined}
                value={counts[d] ?? ''}
                placeholder="0"
                data-testid={`${testId}-denomination-${d}`}
                onChange={(e) => setCounts({ ...counts, [d]: e.target.value })}
              />
            </label>
          ))}
          <p className="denomination-sum" data-testid={`${testId}-sum`}>
            {t('shift.countedSum', { amount: money(sum) })}
          </p>
        </div>
      )}
      {error && (mode === 'denominations' || total.trim()) && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button
        type="submit"
        className="btn btn-primary btn-wide"
        disabled={!count || busy}
        data-testid={`${testId}-submit`}
      >
        {submitLabel}
      </button>
    </form>
  );
}
