// The smaller dialogs on the open sale: hold, recall, void, order and line discount.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Currency, HeldOrder, OrderLine } from '../../../shared/domain';
import { divHalfUp, formatMoney, minorToDecimal, parseMoney } from '../../../shared/money';
import { request } from '../api/call';
import { Modal } from '../components/Modal';
import { displayName, formatTime, useLocale, useMoney } from '../format';
import { cart, useCart } from '../stores/cart';
import { closeDialog, showToast, useUi } from '../stores/ui';
import { moneyInputError } from './money';
import { useBusy } from './useBusy';

export function HoldDialog() {
  const { t } = useTranslation();
  const [label, setLabel] = useState('');
  const [busy, run] = useBusy();
  const submit = () =>
    run(async () => {
      if (await cart.hold(label.trim() || undefined)) {
        closeDialog();
        showToast({ kind: 'success', key: 'hold.done' });
      }
    });
  return (
    <Modal title={t('hold.title')} onClose={closeDialog} testId="hold-dialog" size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span>{t('hold.label')}</span>
          <input
            data-testid="hold-label"
            data-autofocus
            maxLength={40}
            value={label}
            placeholder={t('hold.placeholder')}
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="hold-confirm" disabled={busy}>
          {busy ? t('common.working') : t('hold.confirm')}
        </button>
      </form>
    </Modal>
  );
}

export function RecallDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const [held, setHeld] = useState<HeldOrder[] | null>(null);
  const [busy, run] = useBusy();
  useEffect(() => {
    void request('orders.held', {}).then((list) => setHeld(list ?? []));
  }, []);
  return (
    <Modal title={t('recall.title')} onClose={closeDialog} testId="recall-dialog">
      {held === null ? (
        <p className="empty">{t('common.loading')}</p>
      ) : held.length === 0 ? (
        <p className="empty" data-testid="recall-empty">
          {t('recall.empty')}
        </p>
      ) : (
        <ul className="pick-list" data-testid="recall-list">
          {held.map((h, i) => (
            <li key={h.id}>
              <button
                type="button"
                className="pick"
                data-testid="recall-item"
                data-order-id={h.id}
                data-autofocus={i === 0 || undefined}
                disabled={busy}
                onClick={() =>
                  run(async () => {
                    if (await cart.recall(h.id)) closeDialog();
                  })
                }
              >
                <span className="pick-title">{h.heldLabel || t('recall.noLabel')}</span>
                <span className="pick-sub">
                  {t('recall.heldAt', { time: formatTime(h.heldAt, locale) })} ·{' '}
                  {t('recall.items', { count: h.itemCount })}
                  {h.firstLineName ? ` · ${h.firstLineName}` : ''}
                </span>
                <span className="pick-amount">{money(h.totalMinor)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}

export function VoidDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const order = useCart((s) => s.order);
  const [busy, run] = useBusy();
  const total = order ? formatMoney(order.totalMinor, order.currency, locale) : '';
  return (
    <Modal title={t('void.title')} onClose={closeDialog} testId="void-dialog" size="sm">
      <p className="confirm-text">{t('void.body', { count: order?.itemCount ?? 0, total })}</p>
      <div className="button-row">
        <button type="button" className="btn" data-testid="void-cancel" data-autofocus onClick={closeDialog}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid="void-confirm"
          disabled={busy}
          onClick={() =>
            run(async () => {
              if (await cart.void()) {
                closeDialog();
                showToast({ kind: 'info', key: 'void.done' });
              }
            })
          }
        >
          {t('void.confirm')}
        </button>
      </div>
    </Modal>
  );
}

const PERCENTS = [5, 10, 20, 50];

/** Order discount (no lineId) or one line's discount: an amount, or a quick percentage of it. */
export function DiscountDialog({ lineId }: { lineId: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const order = useCart((s) => s.order);
  const line = lineId === null ? undefined : order?.lines.find((l) => l.id === lineId);
  const currency = order?.currency ?? 'CNY';
  // The most this discount can be: the line's amount, or the order's after line discounts.
  const max = line
    ? line.grossMinor
    : (order?.lines.reduce((sum, l) => sum + l.grossMinor - l.lineDiscountMinor, 0) ?? 0);
  const current = line ? line.lineDiscountMinor : (order?.orderDiscountMinor ?? 0);
  const [text, setText] = useState(current ? minorToDecimal(current, currency) : '');
  const [busy, run] = useBusy();
  const input = useRef<HTMLInputElement>(null);
  const money = (minor: number) => formatMoney(minor, currency, locale);

  const parsed = text.trim() ? parseMoney(text, currency) : ({ ok: true, minor: 0 } as const);
  let error = moneyInputError(t, parsed, currency);
  if (!error && parsed.ok && parsed.minor > max) error = t('discount.tooLarge', { amount: money(max) });

  const apply = (minor: number) =>
    run(async () => {
      const ok = line ? await cart.setLineDiscount(line.id, minor) : await cart.setOrderDiscount(minor);
      if (ok) closeDialog();
    });

  if (lineId !== null && !line) return null;
  const title = line ? t('discount.lineTitle', { name: displayName(line, locale) }) : t('discount.orderTitle');
  return (
    <Modal title={title} onClose={closeDialog} testId="discount-dialog" size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!error && parsed.ok) void apply(parsed.minor);
        }}
      >
        <label className="field">
          <span>{t('discount.amount')}</span>
          <input
            ref={input}
            className={`money-input${error ? ' invalid' : ''}`}
            data-testid="discount-input"
            data-autofocus
            inputMode="decimal"
            autoComplete="off"
            value={text}
            aria-invalid={error ? true : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          <small className={error ? 'reason-error' : 'hint'} data-testid="discount-error">
            {error ?? t('discount.upTo', { amount: money(max) })}
          </small>
        </label>
        <div className="quick">
          {PERCENTS.map((p) => (
            <button
              key={p}
              type="button"
              className="btn"
              data-testid="discount-percent"
              onClick={() => {
                setText(minorToDecimal(divHalfUp(max * p, 100), currency));
                // Back to the amount, so Enter applies it.
                input.current?.focus();
              }}
            >
              {t('discount.percentOff', { percent: p })}
            </button>
          ))}
        </div>
        <div className="button-row">
          <button
            type="button"
            className="btn"
            data-testid="discount-none"
            disabled={busy}
            onClick={() => void apply(0)}
          >
            {t('discount.none')}
          </button>
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="discount-apply"
            disabled={busy || error !== null}
          >
            {t('discount.apply')}
          </button>
        </div>
      </form>
      {line && <PriceForm line={line} currency={currency} />}
    </Modal>
  );
}

/** A line's price for this sale only (a price override): journaled, counted on the Z. */
function PriceForm({ line, currency }: { line: OrderLine; currency: Currency }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [text, setText] = useState(minorToDecimal(line.unitPriceMinor, currency));
  const [busy, run] = useBusy();
  const parsed = parseMoney(text, currency);
  const error = moneyInputError(t, parsed, currency);
  return (
    <form
      className="price-override"
      onSubmit={(e) => {
        e.preventDefault();
        if (error || !parsed.ok) return;
        const minor = parsed.minor;
        void run(async () => {
          if (await cart.setPrice(line.id, minor)) closeDialog();
        });
      }}
    >
      <label className="field">
        <span>{t('discount.price')}</span>
        <input
          className={`money-input${error ? ' invalid' : ''}`}
          data-testid="line-price-input"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <small className={error ? 'reason-error' : 'hint'}>
          {error ?? t('discount.priceHint', { amount: formatMoney(line.unitPriceMinor, currency, locale) })}
        </small>
      </label>
      <button type="submit" className="btn" data-testid="line-price-apply" disabled={busy || error !== null}>
        {t('discount.priceApply')}
      </button>
    </form>
  );
}

export function LineDiscountDialog() {
  const lineId = useUi((s) => s.dialogLineId);
  return <DiscountDialog lineId={lineId} />;
}
