// Cash: tendered amount (typed or a quick amount), change shown live, Enter confirms; then the
// change due big and the order number.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney, minorToDecimal, parseMoney } from '../../../shared/money';
import { changeDue, suggestTenders } from '../cash';
import { Modal } from '../components/Modal';
import { NewSaleButton } from '../components/NewSaleButton';
import { useLocale } from '../format';
import { checkoutCash, useCart } from '../stores/cart';
import { cashPart } from '../stores/payment';
import { usePrinter } from '../stores/printer';
import { useSettings } from '../stores/settings';
import { closeDialog, openDialog, showToast } from '../stores/ui';
import { moneyInputError } from './money';
import { useBusy } from './useBusy';

interface Sale {
  number: string;
  currency: string;
  totalMinor: number;
  tenderedMinor: number;
  changeMinor: number;
}

export function CashDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const order = useCart((s) => s.order);
  const [text, setText] = useState('');
  const [busy, run] = useBusy();
  const [sale, setSale] = useState<Sale | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // "No receipt" is per sale, starting from the shop's default; only offered when a printer is in use.
  const hasPrinter = usePrinter((s) => s.status !== null && s.status.state !== 'none');
  const noReceiptDefault = useSettings((s) => s.settings?.printer.noReceiptDefault ?? false);
  const [noReceipt, setNoReceipt] = useState<boolean | null>(null);
  const skipReceipt = noReceipt ?? noReceiptDefault;
  if (sale) {
    const money = (minor: number) => formatMoney(minor, sale.currency, locale);
    return (
      <Modal title={t('cash.done')} onClose={closeDialog} testId="cash-dialog" size="sm">
        <div className="sale-done" data-testid="sale-done">
          <p className="sale-number" data-testid="order-number">
            {t('cash.orderNumber', { number: sale.number })}
          </p>
          <dl className="sale-figures">
            <div>
              <dt>{t('cash.totalDue')}</dt>
              <dd>{money(sale.totalMinor)}</dd>
            </div>
            <div>
              <dt>{t('cash.tendered')}</dt>
              <dd data-testid="sale-tendered">{money(sale.tenderedMinor)}</dd>
            </div>
          </dl>
          <p className="change-label">{t('cash.change')}</p>
          <p className="change-big" data-testid="change-due">
            {money(sale.changeMinor)}
          </p>
          <NewSaleButton />
        </div>
      </Modal>
    );
  }

  const currency = order?.currency ?? 'CNY';
  // What is still to pay: the total less cash already taken as part payment (split tender).
  const total = order?.dueMinor ?? 0;
  const paidSoFar = order?.paidMinor ?? 0;
  const money = (minor: number) => formatMoney(minor, currency, locale);
  const parsed = text.trim() ? parseMoney(text, currency) : null;
  const tendered = parsed?.ok ? parsed.minor : null;
  let reason: string | null = null;
  if (!order?.lines.length) reason = t('actions.cartEmpty');
  else if (order.openPaymentId !== null) reason = t('cash.paymentOpen');
  else if (!parsed) reason = t('cash.needAmount');
  else if (!parsed.ok) reason = moneyInputError(t, parsed, currency);
  else if (parsed.minor < total) reason = t('cash.tooLow', { missing: money(total - parsed.minor) });
  const formatError = parsed && !parsed.ok;
  // Less than is due: it can be taken as part, and the rest paid another way.
  const part = tendered !== null && tendered > 0 && tendered < total && order?.openPaymentId === null ? tendered : null;

  const takePart = async () => {
    if (part === null) return;
    const view = await cashPart(part);
    if (!view) return;
    setText('');
    showToast({
      kind: 'success',
      key: 'cash.partDone',
      params: { amount: money(part), due: money(view.cart.dueMinor) },
    });
    input.current?.focus();
  };

  const confirm = async () => {
    if (reason || tendered === null) return;
    // Sent only with a printer: otherwise the till keeps its own default (there is nothing to print anyway).
    const r = await checkoutCash(tendered, hasPrinter ? !skipReceipt : undefined);
    if (r) {
      setSale({
        number: r.order.number,
        currency: r.order.currency,
        totalMinor: r.order.totalMinor,
        tenderedMinor: tendered,
        changeMinor: r.changeMinor,
      });
    }
  };

  return (
    <Modal title={t('cash.title')} onClose={closeDialog} testId="cash-dialog" size="sm">
      <form
        className="cash-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(confirm);
        }}
      >
        {paidSoFar > 0 && (
          <div className="cash-paid">
            <span>{t('cash.paidSoFar')}</span>
            <span data-testid="cash-paid">{money(paidSoFar)}</span>
          </div>
        )}
        <div className="cash-total">
          <span>{paidSoFar > 0 ? t('cash.stillDue') : t('cash.totalDue')}</span>
          <strong data-testid="cash-total">{money(total)}</strong>
        </div>
        <label className="field">
          <span>{t('cash.tendered')}</span>
          <input
            ref={input}
            className={`money-input${formatError ? ' invalid' : ''}`}
            data-testid="tendered-input"
            data-autofocus
            inputMode="decimal"
            autoComplete="off"
            value={text}
            aria-invalid={formatError || undefined}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <fieldset className="quick" aria-label={t('cash.quick')}>
          {suggestTenders(total, currency).map((amount, i) => (
            <button
              key={amount}
              type="button"
              className="btn"
              data-testid="quick-tender"
              data-amount={amount}
              onClick={() => {
                setText(minorToDecimal(amount, currency));
                input.current?.focus();
              }}
            >
              {i === 0 && amount === total ? `${t('cash.exact')} ${money(amount)}` : money(amount)}
            </button>
          ))}
        </fieldset>
        <div className="cash-change">
          <span>{t('cash.change')}</span>
          <strong data-testid="change-due">{money(tendered === null ? 0 : changeDue(total, tendered))}</strong>
        </div>
        {hasPrinter && (
          <label className="check">
            <input
              type="checkbox"
              data-testid="no-receipt"
              checked={skipReceipt}
              onChange={(e) => setNoReceipt(e.target.checked)}
            />
            <span>{t('printer.noReceipt')}</span>
          </label>
        )}
        <p className={`reason${formatError ? ' reason-error' : ''}`} data-testid="cash-reason" aria-live="polite">
          {reason ?? '\u00a0'}
        </p>
        {part !== null && (
          <button
            type="button"
            className="btn btn-wide"
            data-testid="cash-part"
            disabled={busy}
            onClick={() => void run(takePart)}
          >
            {t('cash.part', { amount: money(part) })}
          </button>
        )}
        {paidSoFar > 0 && total > 0 && (
          <button
            type="button"
            className="btn btn-wide"
            data-testid="cash-qr-rest"
            onClick={() => {
              closeDialog();
              openDialog('pay');
            }}
          >
            {t('cash.qrRest')} {money(total)}
          </button>
        )}
        <button
          type="submit"
          className="btn btn-primary btn-wide"
          data-testid="cash-confirm"
          disabled={reason !== null || busy}
        >
          {busy ? t('common.working') : t('cash.confirm')}
        </button>
      </form>
    </Modal>
  );
}
