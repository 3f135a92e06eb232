// What the last shift left open (held orders, payments pending or on the attention list), for the next opener.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { CarryItem } from '../../../shared/shift-api';
import { useMoney } from '../format';

export function CarriedOver({ items }: { items: readonly CarryItem[] }) {
  const { t } = useTranslation();
  const money = useMoney();
  if (!items.length) return null;
  return (
    <section className="carried-over" data-testid="carried-over">
      <h3>{t('shift.carriedOver')}</h3>
      <ul>
        {items.map((item) => (
          <li key={`${item.kind}-${item.orderId}-${item.paymentId}`} data-testid="carried-item">
            <span>{itemLabel(t, item)}</span>
            <span>{money(item.amountMinor)}</span>
            {item.decision === 'void' && <span className="muted">{t('shift.decisionVoid')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function itemLabel(t: TFunction, item: CarryItem): string {
  if (item.kind === 'held') return t('shift.heldItem', { label: item.label ?? `#${item.orderId}` });
  return t('shift.paymentItem', { number: item.label ?? `#${item.paymentId}`, status: item.attention ?? item.status });
}
