// The Shift dialog: cash in / cash out with a reason, then Close shift → checklist → blind count → the report.
// The expected cash is never on screen before the count is submitted: it arrives with the close's answer.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseMoney } from '../../../shared/money';
import type { CarryItem, CashCountInput, ShiftListItem, ShiftReportView } from '../../../shared/shift-api';
import { request } from '../api/call';
import { client } from '../api/client';
import { Modal } from '../components/Modal';
import { moneyInputError } from '../dialogs/money';
import { useBusy } from '../dialogs/useBusy';
import { formatTime, useLocale, useMoney } from '../format';
import { useSettings } from '../stores/settings';
import { loadShift, setShift, useShift } from '../stores/shift';
import { closeDialog, showError, showToast } from '../stores/ui';
import { itemLabel } from './CarriedOver';
import { CashCountForm } from './CashCountForm';
import { ShiftReport } from './ShiftReport';

type Step =
  | { name: 'main' }
  | { name: 'checklist'; items: CarryItem[] }
  | { name: 'count'; items: CarryItem[] }
  | { name: 'approval'; items: CarryItem[]; count: CashCountInput }
  | { name: 'report'; report: ShiftReportView };

export function ShiftDialog() {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>({ name: 'main' });
  const [decisions, setDecisions] = useState<Record<string, 'keep' | 'void'>>({});
  const [busy, run] = useBusy();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');

  const startClose = () =>
    run(async () => {
      const items = await request('shift.checklist', {});
      if (!items) return;
      setDecisions(Object.fromEntries(items.map((i) => [key(i), 'keep' as const])));
      setStep(items.length ? { name: 'checklist', items } : { name: 'count', items });
    });

  const close = (items: CarryItem[], count: CashCountInput, approvalId?: string) =>
    run(async () => {
      const held = items
        .filter((i) => i.kind === 'held')
        .map((i) => ({ orderId: i.orderId!, action: decisions[key(i)] ?? 'keep' }));
      const payments = items
        .filter((i) => i.kind === 'payment')
        .map((i) => ({ paymentId: i.paymentId!, action: 'keep' as const }));
      const r = await client.call('shift.close', { count, held, payments, approvalId });
      if (r.ok) {
        setStep({ name: 'report', report: r.value });
        void loadShift();
        return;
      }
      if (r.error.code === 'APPROVAL_NEEDED') setStep({ name: 'approval', items, count });
      // Something changed since the checklist was read: read it again.
      else if (r.error.code === 'SHIFT_CHECKLIST') await startClose();
      else showError(r.error);
    });

  const title =
    step.name === 'report' ? t('shift.reportTitle', { number: step.report.shift.number }) : t('shift.title');
  return (
    <Modal title={title} onClose={closeDialog} testId="shift-dialog" size="md" data={{ 'data-step': step.name }}>
      {step.name === 'main' && (
        <ShiftMain
          busy={busy}
          onClose={() => void startClose()}
          onReport={(report) => setStep({ name: 'report', report })}
        />
      )}
      {step.name === 'checklist' && (
        <div className="shift-checklist" data-testid="shift-checklist">
          <p>{t('shift.checklistHint')}</p>
          <ul>
            {step.items.map((item) => (
              <li key={key(item)} data-testid="checklist-item" data-kind={item.kind}>
                <span>{itemLabel(t, item)}</span>
                {item.kind === 'held' ? (
                  <select
                    value={decisions[key(item)] ?? 'keep'}
                    data-testid={`checklist-decision-${item.orderId}`}
                    onChange={(e) => setDecisions({ ...decisions, [key(item)]: e.target.value as 'keep' | 'void' })}
                  >
                    <option value="keep">{t('shift.decisionKeep')}</option>
                    <option value="void">{t('shift.decisionVoid')}</option>
                  </select>
                ) : (
                  <span className="muted">{t('shift.decisionKeep')}</span>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="btn btn-primary btn-wide"
            data-testid="checklist-continue"
            onClick={() => setStep({ name: 'count', items: step.items })}
          >
            {t('shift.toCount')}
          </button>
        </div>
      )}
      {step.name === 'count' && (
        <div className="shift-count">
          <p>{t('shift.countHint')}</p>
          <CashCountForm
            currency={currency}
            testId="close-count"
            submitLabel={t('shift.close')}
            busy={busy}
            onSubmit={(count) => void close(step.items, count)}
          />
        </div>
      )}
      {step.name === 'approval' && (
        <ApprovalForm busy={busy} onApproved={(approvalId) => void close(step.items, step.count, approvalId)} />
      )}
      {step.name === 'report' && <ShiftReport report={step.report} />}
    </Modal>
  );
}

function key(item: CarryItem): string {
  return `${item.kind}-${item.orderId ?? ''}-${item.paymentId ?? ''}`;
}

/** The open shift: who and when, the float, cash in/out, and past shifts. */
function ShiftMain({
  busy,
  onClose,
  onReport,
}: {
  busy: boolean;
  onClose: () => void;
  onReport: (r: ShiftReportView) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const current = useShift((s) => s.current);
  const shift = current?.shift ?? null;
  const [past, setPast] = useState<ShiftListItem[]>([]);

  useEffect(() => {
    void client.call('shift.list', { limit: 10 }).then((r) => {
      if (r.ok) setPast(r.value.filter((s) => s.closedAt !== null));
    });
  }, []);

  const open = async (id: string) => {
    const report = await request('shift.report', { shiftId: id });
    if (report) onReport(report);
  };

  return (
    <div className="shift-main">
      {shift ? (
        <dl className="shift-facts" data-testid="shift-current">
          <div>
            <dt>{t('shift.number')}</dt>
            <dd data-testid="shift-number">{shift.number}</dd>
          </div>
          <div>
            <dt>{t('shift.openedBy')}</dt>
            <dd>
              {shift.openedBy.name} · {formatTime(shift.openedAt, locale)}
            </dd>
          </div>
          <div>
            <dt>{t('shift.float')}</dt>
            <dd data-testid="shift-float">{money(shift.floatMinor)}</dd>
          </div>
        </dl>
      ) : (
        <p data-testid="shift-none">{t('shift.none')}</p>
      )}
      {shift && <CashMoveForm />}
      {shift && shift.movements.length > 0 && (
        <ul className="shift-movements" data-testid="cash-move-list">
          {shift.movements.map((m) => (
            <li key={m.id}>
              <span>{m.kind === 'in' ? t('shift.cashIn') : t('shift.cashOut')}</span>
              <span>{money(m.amountMinor)}</span>
              <span className="muted">
                {m.reason} · {m.by.name} · {formatTime(m.at, locale)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {shift && (
        <button
          type="button"
          className="btn btn-danger btn-wide"
          disabled={busy}
          data-testid="shift-close-start"
          onClick={onClose}
        >
          {t('shift.closeShift')}
        </button>
      )}
      {past.length > 0 && (
        <section className="shift-history" data-testid="shift-history">
          <h3>{t('shift.past')}</h3>
          <ul>
            {past.map((s) => (
              <li key={s.id}>
                <button
                  type="button"
                  className="link-btn"
                  data-testid="shift-history-row"
                  onClick={() => void open(s.id)}
                >
                  {s.number} · {s.closedBy?.name} · {formatTime(s.closedAt, locale)}
                </button>
                {s.differenceMinor !== null && <span>{money(s.differenceMinor)}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** Cash put in or taken out, with a reason; the drawer opens. */
function CashMoveForm() {
  const { t } = useTranslation();
  const currency = useSettings((s) => s.settings?.currency ?? 'CNY');
  const money = useMoney(currency);
  const [kind, setKind] = useState<'in' | 'out'>('in');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [busy, run] = useBusy();
  const parsed = amount.trim() ? parseMoney(amount, currency) : null;
  const error = parsed && !parsed.ok ? moneyInputError(t, parsed, currency) : null;
  const ready = parsed?.ok && parsed.minor > 0 && reason.trim() !== '';

  const submit = () =>
    run(async () => {
      if (!parsed?.ok || !ready) return;
      const current = await request('shift.cashMove', { kind, amountMinor: parsed.minor, reason: reason.trim() });
      if (!current) return;
      setShift(current);
      setAmount('');
      setReason('');
      showToast({
        kind: 'success',
        key: kind === 'in' ? 'shift.cashInDone' : 'shift.cashOutDone',
        params: { amount: money(parsed.minor) },
      });
    });

  return (
    <form
      className="cash-move"
      data-testid="cash-move-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="segmented">
        <button
          type="button"
          className={`btn btn-small${kind === 'in' ? ' btn-primary' : ''}`}
          aria-pressed={kind === 'in'}
          data-testid="cash-move-in"
          onClick={() => setKind('in')}
        >
          {t('shift.cashIn')}
        </button>
        <button
          type="button"
          className={`btn btn-small${kind === 'out' ? ' btn-primary' : ''}`}
          aria-pressed={kind === 'out'}
          data-testid="cash-move-out"
          onClick={() => setKind('out')}
        >
          {t('shift.cashOut')}
        </button>
      </div>
      <label className="field">
        <span>{t('shift.amount')}</span>
        <input
          className="money-input"
          inputMode="decimal"
          value={amount}
          data-testid="cash-move-amount"
          onChange={(e) => setAmount(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('shift.reason')}</span>
        <input
          value={reason}
          maxLength={80}
          data-testid="cash-move-reason"
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="btn btn-primary" disabled={!ready || busy} data-testid="cash-move-submit">
        {kind === 'in' ? t('shift.cashIn') : t('shift.cashOut')}
      </button>
    </form>
  );
}

/** Voiding a held order at the close: the owner's PIN approves it on the spot. */
function ApprovalForm({ busy, onApproved }: { busy: boolean; onApproved: (approvalId: string) => void }) {
  const { t } = useTranslation();
  const [pin, setPin] = useState('');
  return (
    <form
      className="shift-approval"
      onSubmit={(e) => {
        e.preventDefault();
        void request('staff.approve', { pin, action: 'voidAfterTotalShown' }).then((a) => {
          setPin('');
          if (a) onApproved(a.approvalId);
        });
      }}
    >
      <p>{t('shift.approvalHint')}</p>
      <label className="field">
        <span>{t('shift.ownerPin')}</span>
        <input
          type="password"
          inputMode="numeric"
          autoComplete="off"
          data-autofocus
          value={pin}
          data-testid="close-approval-pin"
          onChange={(e) => setPin(e.target.value)}
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={busy || !/^\d{4,6}$/.test(pin)}>
        {t('shift.approve')}
      </button>
    </form>
  );
}
