// In place of the products while this till has no open shift: selling needs one. The float is counted by
// denomination or as one total; Enter opens the shift.
import { useTranslation } from 'react-i18next';
import type { CashCountInput } from '../../../shared/shift-api';
import { request } from '../api/call';
import { useBusy } from '../dialogs/useBusy';
import { useSettings } from '../stores/settings';
import { setShift, useShift } from '../stores/shift';
import { showToast } from '../stores/ui';
import { CarriedOver } from './CarriedOver';
import { CashCountForm } from './CashCountForm';

export function OpenShiftPanel() {
  const { t } = useTranslation();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const carried = useShift((s) => s.current?.carriedOver ?? []);
  const [busy, run] = useBusy();

  const open = (count: CashCountInput) =>
    run(async () => {
      const current = await request('shift.open', { count });
      if (!current) return;
      setShift(current);
      showToast({ kind: 'success', key: 'shift.opened', params: { number: current.shift?.number ?? '' } });
    });

  return (
    <section className="open-shift" data-testid="open-shift">
      <h2>{t('shift.openTitle')}</h2>
      <p className="muted">{t('shift.openHint')}</p>
      <CashCountForm
        currency={currency}
        testId="open-shift-count"
        submitLabel={t('shift.open')}
        busy={busy}
        onSubmit={(count) => void open(count)}
      />
      <CarriedOver items={carried} />
    </section>
  );
}
