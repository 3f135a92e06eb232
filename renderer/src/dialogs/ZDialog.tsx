// Close the day (日结): what is still open and the owner's decision on each, Make Z, the Z as made, and the past
// Zs to view or print again. The till refuses what it must (a missed day first, a second Z for a day); the
// refusal shows as a translated toast.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ZChecklist, ZDecision, ZReport, ZSummary } from '../../../shared/zreport-view';
import { request } from '../api/call';
import { Modal } from '../components/Modal';
import { formatTime, useLocale, useMoney } from '../format';
import { CsvExport } from '../reports/CsvExport';
import { closeDialog, showToast } from '../stores/ui';
import { useBusy } from './useBusy';

type Decisions = Record<string, ZDecision['action']>;
const keyOf = (kind: ZDecision['kind'], id: number) => `${kind}:${id}`;

export function ZDialog() {
  const { t } = useTranslation();
  const [checklist, setChecklist] = useState<ZChecklist | null>(null);
  const [past, setPast] = useState<ZSummary[]>([]);
  const [shown, setShown] = useState<ZReport | null>(null);
  const [decisions, setDecisions] = useState<Decisions>({});
  const [busy, run] = useBusy();

  const load = async () => {
    const [list, zs] = await Promise.all([request('z.checklist', {}), request('z.list', {})]);
    if (list) {
      setChecklist(list);
      // Carrying over is the safe default: nothing is voided unless the owner says so.
      const d: Decisions = {};
      for (const h of list.held) d[keyOf('held', h.orderId)] = 'keep';
      for (const p of list.payments) d[keyOf('payment', p.paymentId)] = 'keep';
      setDecisions(d);
    }
    if (zs) setPast(zs);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load once when the dialog opens
  useEffect(() => {
    void load();
  }, []);

  const make = async () => {
    if (!checklist) return;
    const list: ZDecision[] = Object.entries(decisions).map(([key, action]) => {
      const [kind, id] = key.split(':');
      return { kind: kind as ZDecision['kind'], id: Number(id), action };
    });
    const z = await request('z.make', { businessDay: checklist.businessDay, decisions: list });
    if (!z) return;
    showToast({ kind: 'success', key: 'zreport.made', params: { number: z.number } });
    setShown(z);
    await load();
  };

  const view = async (id: string) => {
    const z = await request('z.get', { id });
    if (z) setShown(z);
  };

  const print = async (id: string) => {
    if (await request('z.reprint', { id })) showToast({ kind: 'success', key: 'zreport.printed' });
  };

  return (
    <Modal title={t('zreport.title')} onClose={closeDialog} testId="z-dialog">
      {shown ? (
        <>
          <ZView z={shown} />
          <div className="button-row">
            <button type="button" className="btn" data-testid="z-back" onClick={() => setShown(null)}>
              {t('zreport.back')}
            </button>
            <button
              type="button"
              className="btn"
              data-testid="z-print"
              disabled={busy}
              onClick={() => void run(() => print(shown.id))}
            >
              {t('zreport.print')}
            </button>
          </div>
        </>
      ) : (
        <>
          {checklist ? (
            <Checklist checklist={checklist} decisions={decisions} setDecisions={setDecisions} />
          ) : (
            <p className="empty">{t('common.loading')}</p>
          )}
          <div className="button-row">
            <button
              type="button"
              className="btn btn-primary"
              data-testid="make-z"
              data-autofocus
              disabled={busy || !checklist}
              onClick={() => void run(make)}
            >
              {busy ? t('zreport.making') : t('zreport.make')}
            </button>
          </div>
          {checklist && (
            <CsvExport
              fromDay={checklist.businessDay}
              toDay={checklist.businessDay}
              label={t('zreport.csv', { day: checklist.businessDay })}
              className="z-csv"
              testId="z-csv"
            />
          )}
          <PastList past={past} busy={busy} onView={(id) => void run(() => view(id))} />
        </>
      )}
    </Modal>
  );
}

function Checklist({
  checklist,
  decisions,
  setDecisions,
}: {
  checklist: ZChecklist;
  decisions: Decisions;
  setDecisions: (d: Decisions) => void;
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const set = (key: string, action: ZDecision['action']) => setDecisions({ ...decisions, [key]: action });
  const open = checklist.held.length + checklist.payments.length;
  return (
    <section className="settings-section" data-testid="z-checklist">
      <h3 data-testid="z-checklist-day">{t('zreport.day', { day: checklist.businessDay })}</h3>
      {checklist.missedDay && (
        <p className="reason-error" data-testid="z-missed-day">
          {t('zreport.missed', { day: checklist.missedDay })}
        </p>
      )}
      <p className="muted">
        {checklist.lastZ
          ? t('zreport.lastZ', { number: checklist.lastZ.number, day: checklist.lastZ.businessDay })
          : t('zreport.noZYet')}
      </p>
      <h4>{t('zreport.openTitle')}</h4>
      {open === 0 && <p className="muted">{t('zreport.nothingOpen')}</p>}
      <ul className="attention-list">
        {checklist.held.map((h) => {
          const key = keyOf('held', h.orderId);
          return (
            <li key={key} className="attention-item" data-testid="z-open-held" data-order-id={h.orderId}>
              <span>
                {t('zreport.held', { label: h.label ?? t('zreport.heldNoLabel'), total: money(h.totalMinor) })}
              </span>
              <select
                data-testid="z-decision"
                value={decisions[key] ?? 'keep'}
                onChange={(e) => set(key, e.target.value as ZDecision['action'])}
              >
                <option value="keep">{t('zreport.keep')}</option>
                <option value="void">{t('zreport.void')}</option>
              </select>
            </li>
          );
        })}
        {checklist.payments.map((p) => (
          <li key={p.paymentId} className="attention-item" data-testid="z-open-payment" data-payment-id={p.paymentId}>
            <span>
              {t('zreport.payment', { number: p.orderNumber || '—', amount: money(p.amountMinor), status: p.status })}
            </span>
            {/* Money at a provider is settled on the attention list; a Z only carries it over. */}
            <span className="muted" title={t('zreport.settleFirst')}>
              {t('zreport.keep')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function PastList({ past, busy, onView }: { past: ZSummary[]; busy: boolean; onView: (id: string) => void }) {
  const { t } = useTranslation();
  const money = useMoney();
  return (
    <section className="settings-section" data-testid="z-list">
      <h3>{t('zreport.past')}</h3>
      {past.length === 0 && <p className="muted">{t('zreport.none')}</p>}
      <ul className="attention-list">
        {past.map((z) => (
          <li key={z.id} className="attention-item" data-testid="z-list-item" data-number={z.number}>
            <span>
              {t('zreport.number', { number: z.number })} · {z.businessDay} · {money(z.netMinor)}
            </span>
            <button type="button" className="btn" disabled={busy} onClick={() => onView(z.id)}>
              {t('zreport.view')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ZView({ z }: { z: ZReport }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const f = z.figures;
  const money = useMoney(f.currency);
  const methodName = (key: string) => t(`zreport.methods.${key}`, { defaultValue: key });
  return (
    <section className="z-report" data-testid="z-report" data-number={z.number}>
      <h3>
        <span data-testid="z-number">{t('zreport.number', { number: z.number })}</span> ·{' '}
        <span data-testid="z-day">{z.businessDay}</span>
      </h3>
      <p className="muted">
        {t('zreport.madeBy', { time: formatTime(z.madeAt, locale), name: z.madeBy?.name ?? '' })}
        {z.approvedBy && ` · ${t('zreport.approvedBy', { name: z.approvedBy.name })}`}
      </p>
      <p>
        {f.firstOrderNumber
          ? t('zreport.orders', { first: f.firstOrderNumber, last: f.lastOrderNumber ?? '', count: f.orderCount })
          : t('zreport.noOrders')}
      </p>
      <dl className="about">
        <dt>{t('zreport.gross')}</dt>
        <dd data-testid="z-gross">{money(f.grossMinor)}</dd>
        <dt>{t('zreport.discounts')}</dt>
        <dd>{money(f.discountsMinor)}</dd>
        <dt>{t('zreport.sales')}</dt>
        <dd>{money(f.salesMinor)}</dd>
        <dt>{t('zreport.refunds')}</dt>
        <dd data-testid="z-refunds">{money(f.refundsMinor)}</dd>
        <dt>{t('zreport.net')}</dt>
        <dd data-testid="z-net">{money(f.netMinor)}</dd>
        {f.taxByRate.map((r) => (
          <div key={r.taxRateBp} className="contents">
            <dt>{t('zreport.taxRate', { rate: r.taxRateBp / 100 })}</dt>
            <dd>{money(r.netTaxMinor)}</dd>
          </div>
        ))}
      </dl>
      <table className="z-methods">
        <thead>
          <tr>
            <th>{t('zreport.method')}</th>
            <th>{t('zreport.received')}</th>
            <th>{t('zreport.refunded')}</th>
            <th>{t('zreport.methodNet')}</th>
          </tr>
        </thead>
        <tbody>
          {f.methods.map((m) => (
            <tr key={m.key} data-testid={`z-row-${m.key}`}>
              <td>{methodName(m.key)}</td>
              <td data-testid="z-received">{money(m.receivedMinor)}</td>
              <td data-testid="z-refunded">{money(m.refundedMinor)}</td>
              <td data-testid="z-method-net">{money(m.netMinor)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="about">
        <dt>{t('zreport.voids')}</dt>
        <dd>{f.voids}</dd>
        <dt>{t('zreport.noSale')}</dt>
        <dd>{f.noSaleOpenings}</dd>
        <dt>{t('zreport.priceOverrides')}</dt>
        <dd>{f.priceOverrides}</dd>
        <dt>{t('zreport.latePayments')}</dt>
        <dd>{f.latePayments.length}</dd>
        <dt>{t('zreport.paidTwice')}</dt>
        <dd>{f.paidTwice.length}</dd>
        <dt>{t('zreport.grandTotal')}</dt>
        <dd data-testid="z-grand-total">{money(f.grandTotalMinor)}</dd>
      </dl>
      <ul className="muted">
        {f.bankQrConfirmedByHand.map((b) => (
          <li key={b.paymentId}>
            {t('zreport.byHand', { name: b.confirmedBy ?? '?' })} · {money(b.amountMinor)}
          </li>
        ))}
        {f.otherDays.map((o) => (
          <li key={`${o.kind}${o.id}`} data-testid="z-other-day">
            {t(o.kind === 'refund' ? 'zreport.refunds' : 'zreport.received')} · {methodName(o.key)} ·{' '}
            {money(o.amountMinor)} · {t('zreport.otherDay', { number: o.orderNumber, day: o.orderBusinessDay ?? '' })}
          </li>
        ))}
        <li>{t('zreport.carried', { held: f.carryOvers.held.length, payments: f.carryOvers.payments.length })}</li>
      </ul>
      <p className="mono" data-testid="z-chain-head">
        {t('zreport.chainHead', { head: z.chainHead ? z.chainHead.slice(0, 16) : '—' })}
      </p>
    </section>
  );
}
