// The customer-facing screen: read at 1.5 m, no controls. Idle welcome, the cart live, the payment QR,
// then the change and thanks after a sale.
import type { TFunction } from 'i18next';
import { QRCodeSVG } from 'qrcode.react';
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DisplayPayment, DisplayState, OrderLine } from '../../../shared/domain';
import { formatMoney } from '../../../shared/money';
import { isOpen } from '../../../shared/payment';
import { formatKg } from '../../../shared/scale';
import { displayName, useLocale } from '../format';
import { formatCountdown, msUntil, SCHEME_NAMES } from '../paymentText';
import { syncDisplay, useDisplay } from '../stores/display';
import { useNow } from '../useNow';

/** How long the cart says a payment did not complete, after the QR (or code) went away unpaid. */
const NOT_COMPLETED_MS = 5000;

const Line = memo(function Line({ line, currency, locale }: { line: OrderLine; currency: string; locale: string }) {
  return (
    <li className="cd-line" data-testid="display-line" data-barcode={line.barcode}>
      <span className="cd-line-name">{displayName(line, locale)}</span>
      {line.weightGrams === null ? (
        <span className="cd-line-qty">×{line.quantity}</span>
      ) : (
        // A weighed line: the customer sees what they are paying for, the weight.
        <span className="cd-line-qty" data-testid="display-line-weight">
          {formatKg(line.weightGrams)} kg
        </span>
      )}
      <span className="cd-line-total">{formatMoney(line.grossMinor - line.lineDiscountMinor, currency, locale)}</span>
    </li>
  );
});

function CartView({ state, notCompleted }: { state: DisplayState; notCompleted: boolean }) {
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
      {notCompleted && (
        <p className="cd-notice" data-testid="display-not-completed" role="status">
          {t('display.payNotCompleted')}
        </p>
      )}
      {state.prompt === 'payment_code' && !notCompleted && (
        <p className="cd-notice cd-ask" data-testid="display-prompt" role="status">
          {t('display.showPaymentCode')}
        </p>
      )}
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

function walletNames(t: TFunction, pay: DisplayPayment): string {
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

/** One wallet's QR: a white quiet zone so a camera (or a screenshot) reads it. */
function Qr({ value, size, title }: { value: string; size: number; title: string }) {
  return (
    <QRCodeSVG value={value} size={size} level="M" marginSize={4} bgColor="#ffffff" fgColor="#000000" title={title} />
  );
}

/**
 * Both wallets side by side (支付宝 / 微信支付), each its own trade for exactly this order's amount: the customer
 * scans with whichever wallet they use. A QR whose wallet is not ready (still being made) says so in its place.
 */
function WalletQrsView({ state }: { state: DisplayState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const first = state.payment!;
  const money = (minor: number) => formatMoney(minor, state.currency, locale);
  const now = useNow(true);
  const left = msUntil(first.expiresAt, now);
  return (
    <div className="cd-pay cd-pay-wallets" data-testid="display-payment" data-status={first.status} data-method="qr">
      {first.isDemo && <DemoMoney />}
      <div className="cd-pay-pair">
        {state.payments.map((pay) => {
          const ready = !!pay.qrContent && (pay.status === 'pending' || pay.status === 'created');
          return (
            <figure
              key={pay.paymentId}
              className={`cd-wallet cd-wallet-${pay.wallets[0] ?? 'other'}`}
              data-testid="display-wallet"
              data-wallet={pay.wallets.join(',')}
            >
              <figcaption className="cd-wallet-name" data-testid="display-wallet-name">
                {pay.wallets[0] === 'alipay' || pay.wallets[0] === 'wechat'
                  ? t(`display.walletLabel.${pay.wallets[0]}`)
                  : walletNames(t, pay)}
              </figcaption>
              {ready ? (
                <div className="cd-qr" data-testid="pay-qr" data-wallet={pay.wallets.join(',')}>
                  <Qr value={pay.qrContent!} size={300} title={walletNames(t, pay)} />
                </div>
              ) : (
                <div className="cd-pay-note">{t('display.payPreparing')}</div>
              )}
            </figure>
          );
        })}
      </div>
      <div className="cd-pay-info cd-pay-info-row">
        <p className="cd-pay-title">{t('display.payTitleEither')}</p>
        <p className="cd-pay-amount" data-testid="pay-amount">
          {money(first.amountMinor)}
        </p>
        <p className="cd-pay-merchant" data-testid="pay-merchant">
          {first.merchantName}
        </p>
        {first.orderNumber && (
          <p className="cd-pay-order" data-testid="pay-order-number">
            {t('display.payOrder', { number: first.orderNumber })}
          </p>
        )}
        {left !== null && (
          <p className="cd-pay-countdown" data-testid="pay-countdown">
            {t('display.payExpires', { time: formatCountdown(left) })}
          </p>
        )}
      </div>
    </div>
  );
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
  const cart = state.cart;
  // A split tender: what was paid before this QR, so the customer sees why it asks for less than the total.
  const paidBefore = cart?.paidMinor ?? 0;
  const paidInCash =
    !!cart &&
    cart.payments.filter((p) => p.status === 'paid' && p.id !== pay.paymentId).every((p) => p.method === 'cash');
  return (
    <div className="cd-pay" data-testid="display-payment" data-status={pay.status} data-method={pay.method}>
      {pay.isDemo && <DemoMoney />}
      <div className="cd-pay-body">
        {showQr ? (
          <div className="cd-qr" data-testid="pay-qr">
            <Qr value={pay.qrContent!} size={360} title={t('display.payTitle')} />
          </div>
        ) : (
          <div className="cd-pay-note" data-testid="display-pay-note">
            {pay.status === 'closing'
              ? t('display.payClosing')
              : pay.method === 'payment_code' && open
                ? t('display.payConfirmWallet')
                : pay.status === 'expired'
                  ? t('display.payExpired')
                  : open
                    ? t('display.payPreparing')
                    : t('display.payNotCompleted')}
          </div>
        )}
        <div className="cd-pay-info">
          {/* Without a QR the note beside says what is going on; the title would only repeat or contradict it. */}
          {showQr && <p className="cd-pay-title">{t('display.payTitle')}</p>}
          <p className="cd-pay-amount" data-testid="pay-amount">
            {money(pay.amountMinor)}
          </p>
          {paidBefore > 0 && (
            <p className="cd-pay-paid" data-testid="display-pay-paid">
              {t(paidInCash ? 'display.payPaidCash' : 'display.payPaidPart', {
                paid: money(paidBefore),
                due: money(pay.amountMinor),
              })}
            </p>
          )}
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
          {!showQr ? null : pay.method === 'bank_qr' ? (
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
  // A demo wallet "paid" part of this sale: say no money moved, as the QR screen did.
  const demo = !!state.cart?.payments.some((p) => p.status === 'paid' && p.isDemo);
  return (
    <div className="cd-thanks">
      {demo && <DemoMoney />}
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

/**
 * True for a few seconds after the display went from the payment back to the same cart (expired,
 * declined, cancelled): the QR vanished, so tell the customer it did not go through.
 */
function useNotCompleted(phase: string | undefined, cartId: number | null): boolean {
  const [shown, setShown] = useState(false);
  const last = useRef<{ phase: string | undefined; cartId: number | null } | null>(null);
  useEffect(() => {
    const prev = last.current;
    last.current = { phase, cartId };
    if (phase === 'cart' && prev?.phase === 'payment' && cartId !== null && prev.cartId === cartId) {
      setShown(true);
      const id = setTimeout(() => setShown(false), NOT_COMPLETED_MS);
      return () => clearTimeout(id);
    }
    setShown(false);
  }, [phase, cartId]);
  return shown;
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
  const cartId = state?.cart?.id ?? null;
  const notCompleted = useNotCompleted(phase, cartId);
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
          <CartView state={state} notCompleted={notCompleted} />
        ) : phase === 'payment' && state && state.payments.length > 1 ? (
          <WalletQrsView state={state} />
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
