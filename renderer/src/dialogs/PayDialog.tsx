// Scan to pay. One press (F10) puts the wallet QRs on the customer display at once (both wallets side by side
// when both are set up); bank QR and the customer's payment code stay one button away. The methods with their
// limits show only when no wallet can take the order (saying why) or when the cashier asks for another way.
// Then the attempt as it goes: waiting for the scan, confirming, paid; or expired/cancelled/failed with a retry.
// Polls pay.current about once a second while open (single-flight), and follows payment.changed pushes.
import type { TFunction } from 'i18next';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PayOption } from '../../../shared/api';
import type { Order, Payment, WalletMethod } from '../../../shared/domain';
import { isOpen } from '../../../shared/payment';
import { SHORTCUTS } from '../cashier/shortcutKeys';
import { DemoBadge } from '../components/DemoBadge';
import { Modal } from '../components/Modal';
import { NewSaleButton } from '../components/NewSaleButton';
import { errorText } from '../i18n';
import { useMoney } from '../format';
import { failReasonKey, formatCountdown, isCancelling, msUntil, optionReasonKey, statusKey } from '../paymentText';
import { Poller } from '../poller';
import { useCart } from '../stores/cart';
import {
  abandonPayment,
  cancelPayment,
  checkPayment,
  chooseMethod,
  confirmByHand,
  loadOptions,
  refreshPayment,
  resetCheckout,
  shownPayment,
  startPayment,
  startWalletQrs,
  switchTo,
  usePay,
} from '../stores/payment';
import { closeDialog, openDialog } from '../stores/ui';
import { useNow } from '../useNow';
import { useBusy } from './useBusy';

/** How often the dialog asks again while the payment provider cannot be reached. */
const RECHECK_UNREACHABLE_MS = 3000;

/** How long a cancel may stay unconfirmed before the cashier is offered to give up on it. */
const ABANDON_AFTER_MS = 5000;
const METHOD_ORDER: WalletMethod[] = ['qr', 'payment_code', 'bank_qr'];

// StartupReportDialog takes the badge from here.

function takeCash() {
  closeDialog();
  openDialog('cash');
}

/** Polls while `enabled`; stops on unmount. */
function usePolling(enabled: boolean) {
  const poller = useRef<Poller | null>(null);
  useEffect(() => {
    if (!enabled) return;
    poller.current ??= new Poller(refreshPayment, 1000);
    const p = poller.current;
    p.start();
    return () => p.stop();
  }, [enabled]);
}

function Chooser({ currency }: { currency: string }) {
  const { t } = useTranslation();
  const money = useMoney(currency);
  const options = usePay((s) => s.options);
  const awaitingCode = usePay((s) => s.awaitingCode);
  const error = usePay((s) => s.error);
  const due = useCart((s) => s.order?.dueMinor);
  const [busy, run] = useBusy();
  const first = useRef<HTMLButtonElement>(null);

  // Limits are checked against what is due now; the lock a starting payment puts on the cart changes the
  // cart's revision but not the amount, so it does not ask again (and ping the provider) mid-start.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the amount due changes
  useEffect(() => {
    void loadOptions();
  }, [due]);

  useEffect(() => {
    if (options) first.current?.focus();
  }, [options]);

  // A provider that could not be reached is asked again every few seconds, so its methods come back by
  // themselves when it answers again (Check again asks at once).
  const providerDown = !!options?.options.some((o) => !o.available && o.reason === 'unreachable');
  useEffect(() => {
    if (!providerDown) return;
    const timer = setInterval(() => void loadOptions(), RECHECK_UNREACHABLE_MS);
    return () => clearInterval(timer);
  }, [providerDown]);

  if (!options) return <p className="empty">{t('common.loading')}</p>;
  const byMethod = new Map(options.options.map((o) => [o.method, o]));
  const shown = METHOD_ORDER.map((m) => byMethod.get(m)).filter(
    (o): o is PayOption => !!o && (o.method !== 'bank_qr' || o.available || o.reason !== 'not_configured'),
  );
  const firstAvailable = shown.find((o) => o.available)?.method;
  const unreachable = shown.some((o) => !o.available && o.reason === 'unreachable');

  const choose = (o: PayOption) => {
    if (o.method === 'payment_code') chooseMethod(true);
    else void run(() => startPayment(o.method as 'qr' | 'bank_qr'));
  };

  return (
    <div className="pay-choose">
      <div className="pay-due">
        <span>{t('pay.due')}</span>
        <strong data-testid="pay-due">{money(options.dueMinor)}</strong>
      </div>
      {shown.some((o) => o.isDemo) && <DemoBadge />}
      <ul className="pay-methods">
        {shown.map((o) => (
          <li key={o.method}>
            <button
              ref={o.method === firstAvailable ? first : undefined}
              type="button"
              className={`pay-method${awaitingCode && o.method === 'payment_code' ? ' pay-method-on' : ''}`}
              data-testid={`pay-method-${o.method}`}
              data-available={o.available}
              data-reason={o.reason ?? ''}
              disabled={!o.available || busy}
              onClick={() => choose(o)}
            >
              <span className="pay-method-name">{t(`pay.method.${o.method}`)}</span>
              <span className="pay-method-hint">{t(`pay.methodHint.${o.method}`)}</span>
              <span className="pay-method-max" data-testid={`pay-max-${o.method}`}>
                {t('pay.upTo', { amount: money(o.maxMinor) })}
              </span>
              {!o.available && (
                <span className="pay-method-reason" data-testid={`pay-reason-${o.method}`}>
                  {t(optionReasonKey(o.reason), { amount: money(o.maxMinor), currency })}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {awaitingCode && (
        <p className="pay-prompt" data-testid="pay-scan-prompt" aria-live="polite">
          {t('pay.scanCodePrompt')}
        </p>
      )}
      {error && (
        <p className="reason reason-error" data-testid="pay-error" data-code={error.code}>
          {errorText(t, error, money)}
        </p>
      )}
      <div className="button-row">
        {unreachable && (
          <button
            type="button"
            className="btn"
            data-testid="pay-options-reload"
            disabled={busy}
            onClick={() => void run(loadOptions)}
          >
            {t('pay.checkAgain')}
          </button>
        )}
        <button type="button" className="btn" data-testid="pay-take-cash" onClick={takeCash}>
          {t('pay.takeCash')} <kbd className="kbd">{SHORTCUTS.cash}</kbd>
        </button>
      </div>
    </div>
  );
}

/**
 * Money arrived after this attempt had ended (or for an order that no longer needed it): it did NOT complete
 * the sale, so never say "Paid" here; the attention list decides between refund and applying it.
 */
function LatePaid({ payment, currency }: { payment: Payment; currency: string }) {
  const { t } = useTranslation();
  const money = useMoney(currency);
  return (
    <div className="pay-late" data-testid="pay-late">
      <p className="pay-status-text">{t('pay.late.title', { amount: money(payment.amountMinor) })}</p>
      {payment.isDemo && <DemoBadge />}
      <p className="muted">{t('pay.late.body')}</p>
      <div className="button-row">
        <button type="button" className="btn" data-testid="pay-late-close" onClick={closeDialog}>
          {t('common.close')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="pay-late-attention"
          onClick={() => openDialog('attention')}
        >
          {t('pay.late.open')}
        </button>
      </div>
    </div>
  );
}

/**
 * "Total ¥40.00 · Cash ¥10.00 + Wallet QR ¥30.00" when the order was paid in parts; null when in one.
 * `payment` is the latest word on one of them (a push may be newer than the order's copy).
 */
function splitText(t: TFunction, order: Order, payment: Payment, money: (minor: number) => string) {
  const parts = order.payments.map((p) => (p.id === payment.id ? payment : p)).filter((p) => p.status === 'paid');
  if (parts.length < 2) return null;
  const list = parts.map((p) => `${t(`pay.method.${p.method}`)} ${money(p.amountMinor)}`).join(' + ');
  return t('pay.splitTotal', { total: money(order.totalMinor), parts: list });
}

function Paid({ payment, currency }: { payment: Payment; currency: string }) {
  const { t } = useTranslation();
  const money = useMoney(currency);
  const order = usePay((s) => s.order);
  const number = order?.number || null;
  const split = order ? splitText(t, order, payment, money) : null;

  return (
    <div className="sale-done" data-testid="pay-paid">
      <p className="pay-paid-word">{t('pay.status.paid')}</p>
      {payment.isDemo && <DemoBadge />}
      <p className="sale-number" data-testid="pay-order-number" data-number={number ?? ''}>
        {number ? t('cash.orderNumber', { number }) : '\u00a0'}
      </p>
      <p className="change-big" data-testid="pay-paid-amount">
        {money(payment.amountMinor)}
      </p>
      <p className="muted">
        {t(`pay.method.${payment.method}`)}
        {payment.maskedCode ? ` · ${payment.maskedCode}` : ''}
        {payment.confirmedByHand ? ` · ${t('pay.confirmedByHand')}` : ''}
      </p>
      {split && (
        <p className="pay-split" data-testid="pay-split">
          {split}
        </p>
      )}
      <NewSaleButton />
    </div>
  );
}

/** Each wallet of the round with its own state ("支付宝 · waiting for the scan"), when there are several. */
function RoundWallets({ group }: { group: Payment[] }) {
  const { t } = useTranslation();
  if (group.length < 2) return null;
  return (
    <ul className="pay-round" data-testid="pay-round">
      {group.map((p) => (
        <li key={p.id} data-testid="pay-round-wallet" data-provider={p.provider ?? ''} data-status={p.status}>
          <span className="pay-round-name">
            {p.method === 'payment_code' ? t('pay.method.payment_code') : t(`pay.wallet.${walletKey(p.provider)}`)}
          </span>
          <span className="muted"> · {t(statusKey(p))}</span>
        </li>
      ))}
    </ul>
  );
}

function walletKey(provider: string | null): 'alipay' | 'wechat' | 'demo' | 'other' {
  return provider === 'alipay' || provider === 'wechat' || provider === 'demo' ? provider : 'other';
}

/**
 * While wallet QRs show: the other ways, one button each (the round is cancelled first). The bank QR only when
 * the shop has one that takes this currency: pressing it must never cancel the QRs for nothing.
 */
function OtherWays() {
  const { t } = useTranslation();
  const [busy, run] = useBusy();
  const bank = usePay((s) => s.options?.options.find((o) => o.method === 'bank_qr'));
  useEffect(() => {
    void loadOptions();
  }, []);
  return (
    <div className="button-row pay-other" data-testid="pay-other">
      <span className="muted">{t('pay.otherWays')}</span>
      {bank?.available && (
        <button
          type="button"
          className="btn"
          data-testid="pay-other-bank_qr"
          disabled={busy}
          onClick={() => void run(() => switchTo('bank_qr'))}
        >
          {t('pay.method.bank_qr')}
        </button>
      )}
      <button
        type="button"
        className="btn"
        data-testid="pay-other-payment_code"
        disabled={busy}
        onClick={() => void run(() => switchTo('payment_code'))}
      >
        {t('pay.method.payment_code')}
      </button>
    </div>
  );
}

function Attempt({ payment, currency }: { payment: Payment; currency: string }) {
  const { t } = useTranslation();
  const group = usePay((s) => s.group);
  const money = useMoney(currency);
  const [busy, run] = useBusy();
  const [confirming, setConfirming] = useState<'bank' | 'abandon' | null>(null);
  const open = isOpen(payment.status);
  const cancelling = isCancelling(payment);
  const now = useNow(open);
  // When the cancel was first asked for (pressed here, or seen on the attempt): the offer to give up
  // comes a fixed time after that, whether a query meanwhile reads it as closing, unknown or pending.
  const [cancelSince, setCancelSince] = useState<{ id: number; at: number } | null>(null);
  const error = usePay((s) => s.error);
  const number = usePay((s) => s.order?.number);

  useEffect(() => {
    if (cancelling) setCancelSince((s) => (s?.id === payment.id ? s : { id: payment.id, at: Date.now() }));
    else if (!open) setCancelSince(null);
    if (!open) setConfirming(null);
  }, [cancelling, open, payment.id]);

  const cancel = () => {
    setCancelSince((s) => (s?.id === payment.id ? s : { id: payment.id, at: Date.now() }));
    void run(() => cancelPayment(payment.id));
  };
  const left = open && !cancelling ? msUntil(payment.expiresAt, now) : null;
  const canAbandon = cancelSince?.id === payment.id && now - cancelSince.at >= ABANDON_AFTER_MS;
  const waiting = open && !cancelling;
  const amount = money(payment.amountMinor);
  const retry = () => {
    if (payment.method === 'payment_code') chooseMethod(true);
    else void run(() => startPayment(payment.method as 'qr' | 'bank_qr'));
  };

  return (
    <div className="pay-attempt">
      <div className="pay-due">
        <span>{t(`pay.method.${payment.method}`)}</span>
        <strong data-testid="pay-amount">{amount}</strong>
      </div>
      {number && (
        <p className="pay-order" data-testid="pay-attempt-order">
          {t('cash.orderNumber', { number })}
        </p>
      )}
      {payment.isDemo && <DemoBadge />}
      {payment.reason === 'amount_mismatch' && (
        <p className="confirm-text" data-testid="pay-amount-mismatch">
          {t('pay.amountMismatch')}
        </p>
      )}
      <p className={`pay-state pay-state-${payment.status}`} data-testid="pay-status-text" aria-live="polite">
        {t(statusKey(payment))}
        {payment.status === 'failed' && (
          <span data-testid="pay-fail-reason">
            {t('pay.reasonSep')}
            {t(failReasonKey(payment.reason), { code: payment.reason ?? '' })}
          </span>
        )}
      </p>
      {payment.maskedCode && (
        <p className="mono" data-testid="pay-masked-code">
          {t('pay.code', { code: payment.maskedCode })}
        </p>
      )}
      {left !== null && (
        <p className="pay-countdown" data-testid="pay-countdown">
          {t('pay.expiresIn', { time: formatCountdown(left) })}
        </p>
      )}
      {payment.method === 'bank_qr' && waiting && (
        <p className="pay-prompt" data-testid="pay-bank-prompt">
          {t('pay.bankPrompt', { amount })}
        </p>
      )}
      <RoundWallets group={group} />
      {payment.method === 'qr' && waiting && <p className="hint">{t('pay.codeHint')}</p>}
      {error && (
        <p className="reason reason-error" data-testid="pay-error" data-code={error.code}>
          {errorText(t, error, money)}
        </p>
      )}

      {confirming === 'bank' ? (
        <div className="pay-confirm" data-testid="pay-confirm-panel">
          <p className="confirm-text">{t('pay.bankConfirmBody', { amount })}</p>
          <div className="button-row">
            <button
              type="button"
              className="btn"
              data-testid="pay-confirm-received-no"
              onClick={() => setConfirming(null)}
            >
              {t('pay.notYet')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              data-testid="pay-confirm-received-yes"
              disabled={busy}
              onClick={() => void run(() => confirmByHand(payment.id))}
            >
              {t('pay.bankConfirmYes', { amount })}
            </button>
          </div>
        </div>
      ) : confirming === 'abandon' ? (
        <div className="pay-confirm" data-testid="pay-abandon-panel">
          <p className="confirm-text">{t('pay.abandonBody')}</p>
          <div className="button-row">
            <button type="button" className="btn" data-testid="pay-abandon-back" onClick={() => setConfirming(null)}>
              {t('pay.keepWaiting')}
            </button>
            <button
              type="button"
              className="btn btn-danger"
              data-testid="pay-abandon-confirm"
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  const v = await abandonPayment(payment.id);
                  if (v && !v.cart.openPaymentId) takeCash();
                })
              }
            >
              {t('pay.abandon')}
            </button>
          </div>
        </div>
      ) : open ? (
        <div className="button-row">
          {cancelling ? (
            canAbandon && (
              <button
                type="button"
                className="btn btn-danger"
                data-testid="pay-abandon"
                onClick={() => setConfirming('abandon')}
              >
                {t('pay.abandon')}
              </button>
            )
          ) : (
            <button type="button" className="btn" data-testid="pay-cancel" disabled={busy} onClick={cancel}>
              {t('pay.cancel')}
            </button>
          )}
          {payment.method !== 'bank_qr' && (
            <button
              type="button"
              className="btn"
              data-testid="pay-check"
              disabled={busy}
              onClick={() => void run(() => checkPayment(payment.id))}
            >
              {t('pay.checkNow')}
            </button>
          )}
          {payment.method === 'bank_qr' && payment.status === 'pending' && !cancelling && (
            <button
              type="button"
              className="btn btn-primary"
              data-testid="pay-confirm-received"
              data-autofocus
              onClick={() => setConfirming('bank')}
            >
              {t('pay.bankConfirm')}
            </button>
          )}
          {payment.method === 'qr' && waiting && <OtherWays />}
        </div>
      ) : (
        <div className="button-row">
          <button type="button" className="btn" data-testid="pay-take-cash" onClick={takeCash}>
            {t('pay.takeCash')}
          </button>
          {payment.method !== 'payment_code' && (
            <button type="button" className="btn" data-testid="pay-scan-code" onClick={() => chooseMethod(true)}>
              {t('pay.method.payment_code')}
            </button>
          )}
          {payment.status !== 'refunded' && payment.status !== 'partially_refunded' && (
            <button type="button" className="btn btn-primary" data-testid="pay-retry" disabled={busy} onClick={retry}>
              {t('pay.retry')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

export function PayDialog() {
  const { t } = useTranslation();
  const payment = usePay(shownPayment);
  const activeId = usePay((s) => s.activeId);
  const starting = usePay((s) => s.starting);
  const currency = useCart((s) => s.order?.currency ?? 'CNY');

  // Opening checkout shows this cart's open attempt again; with none, the wallet QRs are made at once.
  // Before the first paint, so a previous sale's "Paid" never flashes.
  useLayoutEffect(() => {
    resetCheckout();
    void startWalletQrs();
    // Closed: the customer display stops asking for a payment code.
    return () => usePay.setState({ awaitingCode: false });
  }, []);
  usePolling(activeId !== null && payment?.status !== 'paid');

  const status = payment?.status ?? (activeId !== null ? 'loading' : starting ? 'starting' : 'choose');
  return (
    <Modal
      title={t('pay.title')}
      onClose={closeDialog}
      testId="pay-dialog"
      size="sm"
      data={{ 'data-status': status, 'data-method': payment?.method, 'data-payment-id': payment?.id }}
    >
      {payment?.status === 'paid' && payment.attention === 'late_payment' ? (
        <LatePaid payment={payment} currency={currency} />
      ) : payment?.status === 'paid' ? (
        <Paid payment={payment} currency={currency} />
      ) : payment ? (
        <Attempt payment={payment} currency={currency} />
      ) : activeId !== null || starting ? (
        <p className="empty" data-testid="pay-starting">
          {starting ? t('pay.starting') : t('common.loading')}
        </p>
      ) : (
        <Chooser currency={currency} />
      )}
    </Modal>
  );
}
