// Right side: the sale's lines, totals and the actions on it. Rows are memoized by line object
// (the cart store keeps unchanged lines identical), so one scan re-renders one row, not 200. What is drawn
// is the till's stored order with the scans still on their way laid over it (stores/pending.ts); their
// rows say data-pending="true" until the till's answer replaces them.
import { memo, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { OrderLine } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { formatKg } from '../../../shared/scale';
import { displayName, useLocale } from '../format';
import { cart, selectLine, useCart } from '../stores/cart';
import { useShownCart } from '../stores/pending';
import { openDialog } from '../stores/ui';
import { openCashierDialog } from './actions';
import { Kbd } from './Kbd';
import { SHORTCUTS } from './shortcuts';

interface LineProps {
  line: OrderLine;
  currency: string;
  locale: string;
  selected: boolean;
  /** A payment is open or part is paid: the till refuses changes, so the buttons say so. */
  locked: boolean;
  /** Drawn from the page's catalog cache; the till has not answered yet. */
  pending: boolean;
}

const CartLine = memo(function CartLine({ line, currency, locale, selected, locked, pending }: LineProps) {
  const { t } = useTranslation();
  const money = (minor: number) => formatMoney(minor, currency, locale);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: arrow keys move the selection (cashier/shortcuts.ts)
    <li
      className={`line${selected ? ' line-selected' : ''}${pending ? ' line-pending' : ''}`}
      data-testid="cart-line"
      data-barcode={line.barcode}
      data-line-id={line.id}
      data-selected={selected}
      data-pending={pending}
      onClick={() => selectLine(line.id)}
    >
      <div className="line-main">
        <span className="line-name" data-testid="line-name" title={displayName(line, locale)}>
          {displayName(line, locale)}
        </span>
        {line.weightGrams === null ? (
          <span className="line-unit">{t('cart.each', { price: money(line.unitPriceMinor) })}</span>
        ) : (
          <span className="line-unit line-weight" data-testid="line-weight">
            {t('cart.weighed', { kg: formatKg(line.weightGrams) })}
          </span>
        )}
        {line.lineDiscountMinor > 0 && (
          <span className="line-discount" data-testid="line-discount-amount">
            {t('cart.lineDiscount', { amount: money(line.lineDiscountMinor) })}
          </span>
        )}
      </div>
      <div className="qty">
        <button
          type="button"
          className="qty-btn"
          data-testid="qty-minus"
          aria-label={t('cart.decrease')}
          disabled={locked || line.quantity <= 1 || line.weightGrams !== null}
          onClick={() => void cart.step(line.id, -1)}
        >
          −
        </button>
        <span className="qty-value" data-testid="line-qty">
          {line.quantity}
        </span>
        <button
          type="button"
          className="qty-btn"
          data-testid="qty-plus"
          aria-label={t('cart.increase')}
          disabled={locked || line.weightGrams !== null}
          onClick={() => void cart.step(line.id, 1)}
        >
          +
        </button>
      </div>
      <div className="line-total" data-testid="line-total">
        {money(line.grossMinor - line.lineDiscountMinor)}
      </div>
      <div className="line-actions">
        <button
          type="button"
          className="icon-btn"
          data-testid="line-discount"
          title={t('cart.discount')}
          disabled={locked}
          onClick={() => openDialog('lineDiscount', line.id)}
        >
          {t('cart.discountShort')}
        </button>
        <button
          type="button"
          className="icon-btn icon-danger"
          data-testid="line-remove"
          aria-label={t('cart.remove')}
          title={t('cart.remove')}
          disabled={locked}
          onClick={() => void cart.removeLine(line.id)}
        >
          ×
        </button>
      </div>
    </li>
  );
});

function CartLines() {
  const { t } = useTranslation();
  const locale = useLocale();
  const lines = useShownCart((s) => s?.order.lines);
  const pendingIds = useShownCart((s) => s?.pendingIds);
  const currency = useCart((s) => s.order?.currency ?? 'CNY');
  const revision = useCart((s) => s.order?.revision);
  const orderId = useCart((s) => s.order?.id);
  const pending = pendingIds?.size ?? 0;
  const selectedLineId = useCart((s) => s.selectedLineId);
  const locked = useCart((s) => s.order?.locked ?? false);
  const list = useRef<HTMLOListElement>(null);

  const rendered = useRef('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new selection scrolls into view too
  useLayoutEffect(() => {
    list.current?.querySelector('.line-selected')?.scrollIntoView({ block: 'nearest' });
    const key = `${orderId}:${revision}:${pending}`;
    if (revision === undefined || rendered.current === key) return;
    rendered.current = key;
    // For tests and the latency benchmark: this cart revision, with `pending` scans drawn over it, is in the DOM now.
    window.dispatchEvent(new CustomEvent('tillpoint:cart-rendered', { detail: { revision, orderId, pending } }));
  }, [revision, orderId, selectedLineId, pending, lines]);

  return (
    <ol className="lines" data-testid="cart-lines" ref={list}>
      {lines?.length ? (
        lines.map((line) => (
          <CartLine
            key={line.id}
            line={line}
            currency={currency}
            locale={locale}
            selected={line.id === selectedLineId}
            locked={locked}
            pending={pendingIds?.has(line.id) ?? false}
          />
        ))
      ) : (
        <li className="lines-empty" data-testid="cart-empty">
          {t('cart.empty')}
        </li>
      )}
    </ol>
  );
}

function Totals() {
  const { t } = useTranslation();
  const locale = useLocale();
  const order = useShownCart((s) => s?.order ?? null);
  if (!order) return <div className="totals" />;
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  return (
    <>
      <dl className="totals" data-testid="totals">
        <div>
          <dt>{t('cart.items')}</dt>
          <dd data-testid="item-count">{order.itemCount}</dd>
        </div>
        <div>
          <dt>{t('cart.subtotal')}</dt>
          <dd data-testid="subtotal">{money(order.subtotalMinor)}</dd>
        </div>
        {order.discountMinor > 0 && (
          <div className="totals-discount">
            <dt>{t('cart.discountTotal')}</dt>
            <dd data-testid="discount-total">−{money(order.discountMinor)}</dd>
          </div>
        )}
        <div className="totals-total">
          <dt>{t('cart.total')}</dt>
          <dd data-testid="cart-total">{money(order.totalMinor)}</dd>
        </div>
        {order.paidMinor > 0 && (
          <>
            <div>
              <dt>{t('cart.paid')}</dt>
              <dd data-testid="cart-paid">{money(order.paidMinor)}</dd>
            </div>
            <div className="totals-due">
              <dt>{t('cart.due')}</dt>
              <dd data-testid="cart-due">{money(order.dueMinor)}</dd>
            </div>
          </>
        )}
      </dl>
      {order.locked && (
        <p className="cart-locked" data-testid="cart-locked" data-open-payment={order.openPaymentId ?? ''}>
          {order.openPaymentId ? t('cart.locked') : t('cart.lockedPart')}
          {order.openPaymentId !== null && (
            <button type="button" className="link-btn" data-testid="show-payment" onClick={() => openDialog('pay')}>
              {t('cart.showPayment')}
            </button>
          )}
        </p>
      )}
    </>
  );
}

function Actions() {
  const { t } = useTranslation();
  const locale = useLocale();
  const empty = useShownCart((s) => !s?.order.lines.length);
  const locked = useCart((s) => s.order?.locked ?? false);
  const paymentOpen = useCart((s) => (s.order?.openPaymentId ?? null) !== null);
  const due = useShownCart((s) => (s ? formatMoney(s.order.dueMinor, s.order.currency, locale) : ''));
  const emptyReason = empty ? t('actions.cartEmpty') : undefined;
  const lockedReason = paymentOpen ? t('cart.locked') : t('cart.lockedPart');
  const action = (
    testId: string,
    label: string,
    dialog: Parameters<typeof openCashierDialog>[0],
    key?: string,
    needsItems = true,
    lockable = locked,
  ) => (
    <button
      type="button"
      className="btn"
      data-testid={testId}
      disabled={(needsItems && empty) || lockable}
      title={needsItems && empty ? emptyReason : lockable ? lockedReason : undefined}
      onClick={() => openCashierDialog(dialog)}
    >
      {label} {key && <Kbd k={key} />}
    </button>
  );
  return (
    <div className="actions">
      <div className="actions-row">
        {action('hold-button', t('actions.hold'), 'hold', SHORTCUTS.hold)}
        {action('recall-button', t('actions.recall'), 'recall', SHORTCUTS.recall, false, paymentOpen)}
        {action('order-discount-button', t('actions.orderDiscount'), 'orderDiscount', SHORTCUTS.orderDiscount)}
        {action('void-button', t('actions.void'), 'void', SHORTCUTS.void)}
      </div>
      <div className="pay-buttons">
        <button
          type="button"
          className="btn btn-primary btn-pay"
          data-testid="cash-button"
          disabled={empty || paymentOpen}
          title={emptyReason ?? (paymentOpen ? t('cash.paymentOpen') : undefined)}
          onClick={() => openCashierDialog('cash')}
        >
          <span>{t('actions.cash')}</span>
          <span className="btn-pay-amount" data-testid="pay-due-amount">
            {empty ? '' : due}
          </span>
          <Kbd k={SHORTCUTS.cash} />
        </button>
        <button
          type="button"
          className={`btn btn-pay btn-qr${paymentOpen ? ' btn-qr-open' : ''}`}
          data-testid="qr-pay-button"
          data-open={paymentOpen}
          disabled={empty}
          title={emptyReason}
          onClick={() => openCashierDialog('pay')}
        >
          <span>{paymentOpen ? t('actions.paymentOpen') : t('actions.qrPay')}</span>
          <Kbd k={SHORTCUTS.qrPay} />
        </button>
      </div>
    </div>
  );
}

export function CartPanel() {
  const { t } = useTranslation();
  const count = useShownCart((s) => s?.order.lines.length ?? 0);
  return (
    <section className="cart" aria-label={t('cart.title')}>
      <header className="cart-head">
        <h2>{t('cart.title')}</h2>
        <span className="cart-count" data-testid="line-count">
          {count}
        </span>
      </header>
      <CartLines />
      <Totals />
      <Actions />
    </section>
  );
}
