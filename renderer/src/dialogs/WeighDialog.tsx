// The weight of a sold-by-weight product tapped or picked in search (no scale label): kilograms with up to
// three decimals, or grams. The till prices it as it prices a weight-only scale label.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../../shared/money';
import { formatKg, parseTypedWeight, type WeightUnit, weighedPrice } from '../../../shared/scale';
import { Modal } from '../components/Modal';
import { displayName, useLocale } from '../format';
import { addWeighed } from '../stores/cart';
import { useSettings } from '../stores/settings';
import { closeDialog, useUi } from '../stores/ui';
import { useBusy } from './useBusy';

export function WeighDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const product = useUi((s) => s.dialogProduct);
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const [text, setText] = useState('');
  const [unit, setUnit] = useState<WeightUnit>('kg');
  const [tried, setTried] = useState(false);
  const [busy, run] = useBusy();
  if (!product) return null;

  const read = parseTypedWeight(text, unit);
  const error = read.ok ? null : read.reason === 'empty' && !tried ? null : t(`weigh.error.${read.reason}`);
  const money = (minor: number) => formatMoney(minor, currency, locale);

  const submit = () =>
    run(async () => {
      setTried(true);
      if (!read.ok) return;
      // Added, or perhaps added (no answer): either way a second confirm must not add it again.
      const r = await addWeighed(product.id, read.grams);
      if (r !== 'refused') closeDialog();
    });

  return (
    <Modal
      title={t('weigh.title', { name: displayName(product, locale) })}
      onClose={closeDialog}
      testId="weigh-dialog"
      size="sm"
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted">{t('weigh.perKg', { price: money(product.priceMinor) })}</p>
        <div className="field">
          <span>{t('weigh.weight')}</span>
          <div className="button-row">
            <input
              data-testid="weigh-input"
              data-autofocus
              inputMode="decimal"
              autoComplete="off"
              maxLength={10}
              value={text}
              aria-invalid={error !== null}
              onChange={(e) => setText(e.target.value)}
            />
            <select data-testid="weigh-unit" value={unit} onChange={(e) => setUnit(e.target.value as WeightUnit)}>
              <option value="kg">kg</option>
              <option value="g">g</option>
            </select>
          </div>
        </div>
        {error ? (
          <p className="reason-error" role="alert" data-testid="weigh-error">
            {error}
          </p>
        ) : (
          read.ok && (
            <p data-testid="weigh-preview">
              {t('weigh.preview', {
                kg: formatKg(read.grams),
                price: money(weighedPrice(product.priceMinor, read.grams)),
              })}
            </p>
          )
        )}
        <button type="submit" className="btn btn-primary btn-wide" data-testid="weigh-confirm" disabled={busy}>
          {t('weigh.confirm')}
        </button>
      </form>
    </Modal>
  );
}
