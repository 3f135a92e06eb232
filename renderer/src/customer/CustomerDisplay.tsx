// The customer-facing screen: read at 1.5 m, no controls. Idle welcome, the cart live, the payment QR,
// then the change and thanks after a sale.
import { QRCodeSVG } from 'qrcode.react';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplayPayment, DisplayState, OrderLine } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { isOpen } from '../../../shared/payment';
import { displayName, useLocale } from '../format';
import { formatCountdown, msUntil, SCHEME_NAMES } from '../paymentText';
import { syncDisplay, useDisplay } from '../stores/display';
import { useNow } from '../useNow';

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
        {order.paidMinor > 0 && (
          <span className="cd-discount cd-paid" data-testid="display-paid">
            {t('display.paidSoFar')} {money(order.paidMinor)} · {t('display.due')} {money(order.dueMinor)}
          </span>
        )}
        <span className="cd-total-label">{t('display.total')}</span>
        <span className="cd-total" data-testid="display-total">
          {money(order.totalMinor)}
        </span>
      </div>
    </div>
  );
}

function DemoMoney() {
  const { t } = useTranslation();
  return (
    <p className="cd-demo-money" data-testid="demo-badge">
      {t('display.demoMoney')}
    </p>
  );
}

function walletNames(t: ReturnType<typeof useTranslation>['t'], pay: DisplayPayment): string {
  return pay.wallets
    .map((w) =>
      w === 'alipay'
        ? t('display.walletAlipay')
        : w === 'wechat'
          ? t('display.walletWechat')
          : (SCHEME_NAMES[w as keyof typeof SCHEME_NAMES] ?? w),
    )
    .join(' · ');
}

/** The QR for exactly this order's amount, with a white quiet zone so a camera (or a screenshot) reads it. */
function PaymentView({ state }: { state: DisplayState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const pay = state.payment!;
  const money = (minor: number) => formatMoney(minor, state.currency, locale);
  const open = isOpen(pay.status);
  const now = useNow(open);
  const left = msUntil(pay.expiresAt, now);
  // Only a QR that can still be paid: never while it is being closed or after it ended.
  const showQr =
    !!pay.qrContent &&
    pay.method !== 'payment_code' &&
    (pay.status === 'pending' || pay.status === 'created' || pay.status === 'unknown');
  const demoWallet = pay.wallets.includes('demo');
  return (
    <div className="cd-pay" data-testid="display-payment" data-status={pay.status} data-method={pay.method}>
      {pay.isDemo && <DemoMoney />}
      <div className="cd-pay-body">
        {showQr ? (
          <div className="cd-qr" data-testid="pay-qr">
            <QRCodeSVG
              value={pay.qrContent!}
              size={360}
              level="M"
              marginSize={4}
              bgColor="#ffffff"
              fgColor="#000000"
              title={t('display.payTitle')}
            />
          </div>
        ) : (
          <div className="cd-pay-note" data-testid="display-pay-note">
            {pay.method === 'payment_code' && open
              ? t('display.payConfirmWallet')
              : pay.status === 'closing'
                ? t('display.payClosing')
                : pay.status === 'expired'
                  ? t('display.payExpired')
                  : t('display.payClosing')}
          </div>
        )}
        <div className="cd-pay-info">
          <p className="cd-pay-title">
            {pay.method === 'payment_code' ? t('display.payConfirmWallet') : t('display.payTitle')}
          </p>
          <p className="cd-pay-amount" data-testid="pay-amount">
            {money(pay.amountMinor)}
          </p>
          <p className="cd-pay-merchant" data-testid="pay-merchant">
            {pay.merchantName}
          </p>
          {pay.orderNumber && (
            <p className="cd-pay-order" data-testid="pay-order-number">
              {t('display.payOrder', { number: pay.orderNumber })}
            </p>
          )}
          {showQr && left !== null && (
            <p className="cd-pay-countdown" data-testid="pay-countdown">
              {t('display.payExpires', { time: formatCountdown(left) })}
            </p>
          )}
          {pay.method === 'bank_qr' ? (
            <p className="cd-pay-wallets" data-testid="pay-wallets">
              {t('display.payBankScheme', { scheme: walletNames(t, pay) })}
            </p>
          ) : pay.method === 'qr' ? (
            <p className="cd-pay-wallets" data-testid="pay-wallets">
              {demoWallet ? t('display.payDemoWallet') : t('display.payWallets', { wallets: walletNames(t, pay) })}
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}

function ThanksView({ state }: { state: DisplayState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const sale = state.sale!;
  const money = (minor: number) => formatMoney(minor, state.currency, locale);
  const methods = sale.methods ?? [];
  // Tendered and change are about cash; a wallet payment just says how it was paid.
  const cash = methods.length === 0 || methods.includes('cash');
  return (
    <div className="cd-thanks">
      <dl className="cd-figures">
        <div>
          <dt>{t('display.total')}</dt>
          <dd data-testid="display-total">{money(sale.totalMinor)}</dd>
        </div>
        {cash && (
          <>
            <div>
              <dt>{t('display.tendered')}</dt>
              <dd data-testid="display-tendered">{money(sale.tenderedMinor)}</dd>
            </div>
            <div className="cd-change">
              <dt>{t('display.change')}</dt>
              <dd data-testid="display-change">{money(sale.changeMinor)}</dd>
            </div>
          </>
        )}
      </dl>
      {methods.length > 0 && (
        <p className="cd-paid-by" data-testid="display-methods" data-methods={methods.join(' ')}>
          {t('display.paidBy', { methods: methods.map((m) => t(`display.method.${m}`)).join(' + ') })}
        </p>
      )}
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
    state?.phase === 'cart' && !state.cart
      ? 'idle'
      : state?.phase === 'thanks' && !state.sale
        ? 'idle'
        : state?.phase === 'payment' && !state.payment
          ? state.cart
            ? 'cart'
            : 'idle'
          : state?.phase;
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
        ) : phase === 'payment' && state ? (
          <PaymentView state={state} />
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
