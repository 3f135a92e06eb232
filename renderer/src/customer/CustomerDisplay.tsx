// The customer-facing screen: read at 1.5 m, no controls. Idle welcome, the cart live, then the
// change and thanks after a sale.
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplayState, OrderLine } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { displayName, useLocale } from '../format';
import { syncDisplay, useDisplay } from '../stores/display';

const Line = memo(function Line({ line, currency, locale }: { line: OrderLine; currency: string; locale: string }) {
  return (
    <li className="cd-line" data-testid="display-line" data-barcode={line.barcode}>
      <span className="cd-line-name">{displayName(line, locale)}</span>
      <span className="cd-line-qty">×{line.quantity}</span>
      <span className="cd-line-total">{formatMoney(line.grossMinor - line.lineDiscountMinor, currency, locale)}</span>
    </li>
  );
});

function CartView({ state }: { state: DisplayState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const order = state.cart!;
  const list = useRef<HTMLOListElement>(null);
  const money = (minor: number) => formatMoney(minor, order.currency, locale);
  useLayoutEffect(() => {
    // The newest line is at the bottom; keep it in view.
    const el = list.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    // Earlier lines scrolled away: fade the top edge instead of cutting a line in half.
    el.classList.toggle('cd-lines-more', el.scrollTop > 0);
  });
  return (
    <div className="cd-cart">
      <ol className="cd-lines" data-testid="display-lines" ref={list}>
        {order.lines.map((l) => (
          <Line key={l.id} line={l} currency={order.currency} locale={locale} />
        ))}
      </ol>
      <div className="cd-summary">
        <span className="cd-count" data-testid="display-item-count">
          {t('display.items', { count: order.itemCount })}
        </span>
        {order.discountMinor > 0 && <span className="cd-discount">−{money(order.discountMinor)}</span>}
        <span className="cd-total-label">{t('display.total')}</span>
        <span className="cd-total" data-testid="display-total">
          {money(order.totalMinor)}
        </span>
      </div>
    </div>
  );
}

function ThanksView({ state }: { state: DisplayState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sale = state.sale!;
  const money = (minor: number) => formatMoney(minor, state.currency, locale);
  return (
    <div className="cd-thanks">
      <dl className="cd-figures">
        <div>
          <dt>{t('display.total')}</dt>
          <dd data-testid="display-total">{money(sale.totalMinor)}</dd>
        </div>
        <div>
          <dt>{t('display.tendered')}</dt>
          <dd data-testid="display-tendered">{money(sale.tenderedMinor)}</dd>
        </div>
        <div className="cd-change">
          <dt>{t('display.change')}</dt>
          <dd data-testid="display-change">{money(sale.changeMinor)}</dd>
        </div>
      </dl>
      <p className="cd-thanks-text">{t('display.thanks')}</p>
    </div>
  );
}

export function CustomerDisplay() {
  const { t } = useTranslation();
  const state = useDisplay((s) => s.state);

  useEffect(() => syncDisplay(), []);

  useLayoutEffect(() => {
    if (state) window.dispatchEvent(new CustomEvent('tillpoint:display-rendered', { detail: { seq: state.seq } }));
  }, [state]);

  // A cart phase with nothing in it reads as idle; thanks needs the sale.
  const phase =
    state?.phase === 'cart' && !state.cart ? 'idle' : state?.phase === 'thanks' && !state.sale ? 'idle' : state?.phase;
  return (
    <div className="cd" data-testid="customer-display" data-phase={phase ?? 'loading'} data-seq={state?.seq}>
      <header className="cd-head">
        <span className="cd-shop" data-testid="display-shop-name">
          {state?.shopName}
        </span>
        {state?.isDemo && (
          <span className="cd-demo" data-testid="display-demo">
            {t('display.demo')}
          </span>
        )}
      </header>
      <main className="cd-main">
        {phase === 'cart' && state ? (
          <CartView state={state} />
        ) : phase === 'thanks' && state ? (
          <ThanksView state={state} />
        ) : (
          <div className="cd-idle">
            <p className="cd-idle-shop">{state?.shopName}</p>
            <p className="cd-welcome">{t('display.welcome')}</p>
          </div>
        )}
      </main>
    </div>
  );
}
