// Refund lines of a completed order: a quantity per line, the amount back per payment (the same split the till
// makes: shared/refund.ts), then Refund. A cashier gets the owner's PIN approval on the spot; a provider's
// refusal offers the amount in cash (owner). Opened from history, a typed order number or a scanned receipt QR.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, MethodInput } from '../../../shared/api';
import { formatMoney } from '../../../shared/money';
import {
  lineRefundMinor,
  type RefundPreview,
  type RefundResult,
  type RefundShare,
  splitRefund,
} from '../../../shared/refund';
import { request } from '../api/call';
import { client } from '../api/client';
import { requestApproval } from '../components/ApprovalPrompt';
import { Modal } from '../components/Modal';
import { displayName, formatTime, useLocale } from '../format';
import { useRefundTarget } from '../stores/refund';
import { closeDialog, showError } from '../stores/ui';
import { useBusy } from './useBusy';

/** refund.make, asking the owner's approval when the till says it is needed; undefined after an error toast. */
async function makeRefund(input: MethodInput<'refund.make'>): Promise<RefundResult | undefined> {
  let r = await client.call('refund.make', input);
  if (!r.ok && r.error.code === 'APPROVAL_NEEDED') {
    const approvalId = await requestApproval('refund');
    if (!approvalId) return undefined;
    r = await client.call('refund.make', { ...input, approvalId });
  }
  if (r.ok) return r.value;
  showError(r.error as ApiError);
  return undefined;
}

function FindOrder({ onFound }: { onFound: (p: RefundPreview) => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [busy, run] = useBusy();
  return (
    <form
      className="refund-find"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void run(async () => {
          const found = await request('refund.find', { text: text.trim() });
          if (found) onFound(found);
        });
      }}
    >
      <label className="field">
        <span>{t('refund.findLabel')}</span>
        <input
          value={text}
          data-autofocus
          data-scan="field"
          data-testid="refund-find-input"
          placeholder={t('refund.findPlaceholder')}
          onChange={(e) => setText(e.target.value)}
        />
      </label>
      <button type="submit" className="btn" disabled={busy} data-testid="refund-find">
        {t('refund.find')}
      </button>
    </form>
  );
}

export function RefundDialog() {
  const { t } = useTranslation();
  const locale = useLocale();
  const target = useRefundTarget();
  const [preview, setPreview] = useState<RefundPreview | null>(null);
  const [qty, setQty] = useState<Record<number, number>>({});
  const [result, setResult] = useState<RefundResult | null>(null);
  const [busy, run] = useBusy();

  const show = useCallback((p: RefundPreview) => {
    setPreview(p);
    setQty({});
  }, []);

  useEffect(() => {
    let live = true;
    const load =
      target.orderId !== null
        ? request('refund.preview', { orderId: target.orderId })
        : target.text
          ? request('refund.find', { text: target.text })
          : Promise.resolve(undefined);
    void load.then((p) => {
      if (live && p) show(p);
    });
    return () => {
      live = false;
    };
  }, [target.orderId, target.text, show]);

  const money = (minor: number) => formatMoney(minor, preview?.currency ?? 'CNY', locale);

  const plan = useMemo(() => {
    if (!preview) return { totalMinor: 0, shares: [] as RefundShare[] };
    let totalMinor = 0;
    for (const l of preview.lines) {
      const q = qty[l.lineId] ?? 0;
      if (q > 0 && q <= l.refundableQuantity) {
        totalMinor += lineRefundMinor(
          {
            quantity: l.quantity,
            totalMinor: l.totalMinor,
            refundedQuantity: l.refundedQuantity,
            refundedMinor: l.refundedMinor,
          },
          q,
        );
      }
    }
    return { totalMinor, shares: splitRefund(totalMinor, preview.payments) ?? [] };
  }, [preview, qty]);

  const chosen = preview ? preview.lines.filter((l) => (qty[l.lineId] ?? 0) > 0) : [];
  const setLine = (lineId: number, max: number, q: number) =>
    setQty((s) => ({ ...s, [lineId]: Math.max(0, Math.min(max, Number.isFinite(q) ? Math.trunc(q) : 0)) }));

  const done = (r: RefundResult | undefined) => {
    if (!r) return;
    setResult(r);
    show(r.preview);
  };
  const confirm = () =>
    run(async () => {
      if (!preview || !chosen.length) return;
      done(
        await makeRefund({
          orderId: preview.orderId,
          lines: chosen.map((l) => ({ lineId: l.lineId, quantity: qty[l.lineId] })),
        }),
      );
    });
  const cashInstead = () =>
    run(async () => {
      if (preview) done(await makeRefund({ orderId: preview.orderId, cashInstead: true }));
    });
  const checkAgain = (ticketId: string) =>
    run(async () => {
      done(await request('refund.check', { ticketId }));
    });

  const payment = (id: number) => preview?.payments.find((p) => p.paymentId === id);
  const methodText = (id: number, fromDrawer: boolean) => {
    const p = payment(id);
    const name = p ? t(`pay.method.${p.method}`) : '';
    return fromDrawer && p?.method !== 'cash' ? `${name} · ${t('refund.fromDrawer')}` : name;
  };
  const nothingLeft = preview?.lines.every((l) => l.refundableQuantity === 0) ?? false;
  const ticket = result?.ticket;
  // A refusal found on opening the order again is offered too.
  const waiting = preview?.tickets.find((tk) => tk.needsCashMinor > 0);
  const offer =
    result?.offerCash ??
    (waiting
      ? {
          amountMinor: waiting.needsCashMinor,
          reason: waiting.parts.find((p) => p.status === 'failed')?.failure ?? '',
        }
      : null);

  return (
    <Modal
      title={preview ? t('refund.titleOrder', { number: preview.orderNumber }) : t('refund.title')}
      onClose={closeDialog}
      testId="refund-dialog"
      size="lg"
      data={{ 'data-order-id': preview?.orderId }}
      footer={
        preview && (
          <button
            type="button"
            className="btn btn-primary btn-wide"
            data-testid="refund-confirm"
            disabled={busy || !chosen.length || plan.totalMinor < 0}
            onClick={() => void confirm()}
          >
            {chosen.length ? t('refund.confirm', { amount: money(plan.totalMinor) }) : t('refund.none')}
          </button>
        )
      }
    >
      {!preview && <FindOrder onFound={show} />}
      {(ticket || offer) && (
        <div className="refund-result" data-testid="refund-result" data-status={ticket?.status} aria-live="polite">
          {ticket?.status === 'done' && <p>{t('refund.done', { number: ticket.number })}</p>}
          {ticket?.status === 'processing' && (
            <p>
              {t('refund.processing', { number: ticket.number })}{' '}
              <button
                type="button"
                className="btn btn-small"
                data-testid="refund-check"
                onClick={() => void checkAgain(ticket.id)}
              >
                {t('refund.checkAgain')}
              </button>
            </p>
          )}
          {offer && (
            <p>
              {t('refund.refused', { reason: offer.reason, amount: money(offer.amountMinor) })}{' '}
              <button
                type="button"
                className="btn btn-small"
                data-testid="refund-cash-instead"
                disabled={busy}
                onClick={() => void cashInstead()}
              >
                {t('refund.cashInstead', { amount: money(offer.amountMinor) })}
              </button>
            </p>
          )}
        </div>
      )}
      {preview && (
        <>
          {nothingLeft && (
            <p className="empty" data-testid="refund-nothing-left">
              {t('refund.nothingLeft')}
            </p>
          )}
          <ul className="refund-lines">
            {preview.lines.map((l) => {
              const q = qty[l.lineId] ?? 0;
              return (
                <li
                  key={l.lineId}
                  className="refund-line"
                  data-testid="refund-line"
                  data-line-id={l.lineId}
                  data-refundable={l.refundableQuantity}
                >
                  <span>
                    {displayName(l, locale)}
                    <span className="muted">
                      {' '}
                      {t('refund.sold', { quantity: l.quantity, refunded: l.refundedQuantity })} ·{' '}
                      {t('refund.lineLeft', { amount: money(l.refundableMinor) })}
                    </span>
                  </span>
                  <span className="qty">
                    <button
                      type="button"
                      className="qty-btn"
                      aria-label={t('refund.less')}
                      data-testid="refund-qty-less"
                      disabled={q <= 0}
                      onClick={() => setLine(l.lineId, l.refundableQuantity, q - 1)}
                    >
                      −
                    </button>
                    <input
                      className="qty-value"
                      type="number"
                      min={0}
                      max={l.refundableQuantity}
                      value={q}
                      size={3}
                      data-testid="refund-qty"
                      disabled={l.refundableQuantity === 0}
                      onChange={(e) => setLine(l.lineId, l.refundableQuantity, Number(e.target.value))}
                    />
                    <button
                      type="button"
                      className="qty-btn"
                      aria-label={t('refund.more')}
                      data-testid="refund-qty-more"
                      disabled={q >= l.refundableQuantity}
                      onClick={() => setLine(l.lineId, l.refundableQuantity, q + 1)}
                    >
                      +
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          {!nothingLeft && (
            <button
              type="button"
              className="btn btn-small"
              data-testid="refund-all"
              onClick={() => setQty(Object.fromEntries(preview.lines.map((l) => [l.lineId, l.refundableQuantity])))}
            >
              {t('refund.all')}
            </button>
          )}
          {plan.shares.length > 0 && (
            <dl className="totals" data-testid="refund-methods">
              {plan.shares.map((s) => (
                <div key={s.paymentId} data-testid="refund-method" data-payment-id={s.paymentId}>
                  <dt>
                    {t('refund.perMethod')} · {methodText(s.paymentId, s.fromDrawer)}
                  </dt>
                  <dd>{money(s.amountMinor)}</dd>
                </div>
              ))}
              <div className="totals-total">
                <dt>{t('refund.total')}</dt>
                <dd data-testid="refund-total">{money(plan.totalMinor)}</dd>
              </div>
            </dl>
          )}
          {preview.tickets.length > 0 && (
            <>
              <h3>{t('refund.earlier')}</h3>
              <ul className="refund-tickets">
                {preview.tickets.map((tk) => (
                  <li key={tk.id} data-testid="refund-ticket" data-status={tk.status}>
                    {t('refund.ticket', { number: tk.number, amount: money(tk.totalMinor), by: tk.by.name })}
                    {tk.approvedBy && ` · ${t('refund.approvedBy', { name: tk.approvedBy.name })}`} ·{' '}
                    {t(`refund.status.${tk.status}`)} · {formatTime(tk.createdAt, locale)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </Modal>
  );
}
