// An alert in words, in the shop's language: "Refund ¥350.00 on order T1-0042 (over ¥200.00) by 小王, approved
// by Owner". Pure (given t and a money formatter), so it is tested without a page.
import type { TFunction } from 'i18next';
import type { Alert } from '../../../shared/alerts';

export function alertText(t: TFunction, alert: Alert, money: (minor: number) => string): string {
  const d = alert.details;
  const amount = alert.amountMinor === null ? t('alerts.unknownAmount') : money(alert.amountMinor);
  const params = {
    amount,
    order: alert.orderNumber ?? t('alerts.noNumber'),
    shift: alert.shiftNumber ?? '',
    count: d.count ?? 0,
    window: d.windowMinutes ?? 0,
    threshold: d.thresholdMinor === undefined ? '' : money(d.thresholdMinor),
    quantity: d.quantity ?? 0,
    was: alert.rule === 'price_override' ? (d.wasMinor === undefined ? '' : money(d.wasMinor)) : (d.was ?? 0),
    method: d.method ? methodName(t, d.method) : '',
    why: d.why ?? '',
  };
  const key =
    alert.rule === 'line_removed_after_total' && (d.quantity ?? 0) > 0 ? 'line_lowered_after_total' : alert.rule;
  let text = t(`alerts.text.${key}`, params);
  if (alert.by) text += t('alerts.by', { name: alert.by.name });
  if (alert.approvedBy && alert.approvedBy.id !== alert.by?.id) {
    text += t('alerts.approvedBy', { name: alert.approvedBy.name });
  }
  return text;
}

function methodName(t: TFunction, method: string): string {
  return method === 'qr' || method === 'payment_code' || method === 'bank_qr' ? t(`alerts.method.${method}`) : method;
}
