// Reconciliation of a business day with the wallets' own bills (reconcile.day): per wallet the matched count,
// the mismatches by kind, fees and the net settled, each bill's state in words, and every mismatch with its
// order number and the journal entries behind it. Made for a phone as much as for the till: one column, long
// numbers wrap. The /reports page mounts it with the chosen `day`; `onOpenTrail`, when the page gives it, opens
// the order with its journal entries (TrailDialog); without it the order number and the entry ids are text.
import type { TFunction } from 'i18next';
import { type CSSProperties, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TrailTarget } from './TrailDialog';
import {
  RECONCILE_STATES,
  type ReconcileBill,
  type ReconcileDay,
  type ReconcileItem,
  type ReconcileProvider,
  type ReconcileState,
} from '../../../shared/reconcile';
import { request } from '../api/call';
import { formatTime, useLocale, useMoney } from '../format';

/** While a bill is not in, ask again this often (the till itself fetches every ~30 minutes). */
const RECHECK_MS = 5 * 60_000;

const KNOWN_PROVIDERS = ['demo', 'alipay', 'wechat'] as const;
const MISMATCHES = RECONCILE_STATES.filter((s) => s !== 'matched');

const column: CSSProperties = { display: 'flex', flexDirection: 'column', gap: '0.5rem', minWidth: 0 };
const wrap: CSSProperties = { overflowWrap: 'anywhere', minWidth: 0 };
const figures: CSSProperties = { display: 'flex', flexWrap: 'wrap', gap: '0.25rem 1rem', margin: 0 };

function providerName(t: TFunction, id: string): string {
  return (KNOWN_PROVIDERS as readonly string[]).includes(id)
    ? t(`reconcile.provider.${id as (typeof KNOWN_PROVIDERS)[number]}`)
    : t('reconcile.provider.other', { id });
}

function billText(t: TFunction, b: ReconcileBill): string {
  switch (b.state) {
    case 'ready':
      return t('reconcile.bill.ready', { date: b.date, rows: b.rows });
    case 'not_ready':
      return t('reconcile.bill.not_ready', { date: b.date });
    case 'none':
      return t('reconcile.bill.none', { date: b.date });
    case 'error':
      return t('reconcile.bill.error', { date: b.date, message: b.message ?? '' });
    default:
      return t('reconcile.bill.unsupported');
  }
}

export interface ReconciliationProps {
  /** The business day, yyyy-mm-dd. */
  day: string;
  /** Opens an order (e.g. in History); without it the order number is shown as text. */
  onOpenTrail?: (target: TrailTarget) => void;
}

export function Reconciliation({ day, onOpenTrail }: ReconciliationProps) {
  const { t } = useTranslation();
  const [data, setData] = useState<ReconcileDay | null>(null);
  const [busy, setBusy] = useState<'loading' | 'refreshing' | null>('loading');

  const load = useCallback(
    async (method: 'reconcile.day' | 'reconcile.refresh') => {
      setBusy(method === 'reconcile.day' ? 'loading' : 'refreshing');
      const out = await request(method, { day });
      setBusy(null);
      // A later day chosen meanwhile wins.
      if (out && out.day === day) setData(out);
    },
    [day],
  );

  useEffect(() => {
    setData(null);
    void load('reconcile.day');
  }, [load]);

  const waiting = data?.waiting ?? false;
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => void load('reconcile.day'), RECHECK_MS);
    return () => clearInterval(timer);
  }, [waiting, load]);

  return (
    <section className="reports-card reconciliation" data-testid="reconciliation" data-day={day} style={column}>
      <header style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '0.5rem' }}>
        <h2 style={{ margin: 0, flex: '1 1 12rem' }}>{t('reconcile.title')}</h2>
        <button
          type="button"
          className="btn btn-small"
          data-testid="reconcile-refresh"
          disabled={busy !== null}
          onClick={() => void load('reconcile.refresh')}
        >
          {busy === 'refreshing' ? t('reconcile.refreshing') : t('reconcile.refresh')}
        </button>
      </header>
      <p className="muted" style={{ margin: 0 }}>
        {t('reconcile.day', { day })}
      </p>
      {!data && busy && <p>{t('reconcile.loading')}</p>}
      {data?.waiting && (
        <p className="muted" data-testid="reconcile-waiting" style={{ margin: 0 }}>
          {t('reconcile.waiting')}
        </p>
      )}
      {data?.providers.map((p) => (
        <ProviderPart key={p.provider} part={p} onOpenTrail={onOpenTrail} />
      ))}
    </section>
  );
}

function ProviderPart({
  part,
  onOpenTrail,
}: {
  part: ReconcileProvider;
  onOpenTrail: ReconciliationProps['onOpenTrail'];
}) {
  const { t } = useTranslation();
  const money = useMoney();
  const unsupported = part.bills.length > 0 && part.bills.every((b) => b.state === 'unsupported');
  const mismatchCount = MISMATCHES.reduce((n, s) => n + part.counts[s].count, 0);
  return (
    <article
      className="reconcile-provider"
      data-testid="reconcile-provider"
      data-provider={part.provider}
      style={{ ...column, borderTop: '1px solid currentColor', paddingTop: '0.5rem' }}
    >
      <h3 style={{ margin: 0 }}>{providerName(t, part.provider)}</h3>
      {unsupported ? (
        <p data-testid="reconcile-bill" data-state="unsupported" style={{ margin: 0 }}>
          {t('reconcile.bill.unsupported')}
        </p>
      ) : (
        <ul style={{ margin: 0, paddingLeft: '1.2rem' }}>
          {part.bills.map((b) => (
            <li key={b.date} data-testid="reconcile-bill" data-date={b.date} data-state={b.state} style={wrap}>
              {billText(t, b)}
            </li>
          ))}
        </ul>
      )}
      <dl style={figures}>
        <Figure label={t('reconcile.matched')} testId="reconcile-matched" value={String(part.counts.matched.count)} />
        {MISMATCHES.filter((s) => part.counts[s].count > 0).map((s) => (
          <Figure
            key={s}
            label={t(`reconcile.state.${s}`)}
            testId={`reconcile-count-${s}`}
            value={`${part.counts[s].count} · ${money(part.counts[s].amountMinor)}`}
          />
        ))}
        <Figure label={t('reconcile.fees')} testId="reconcile-fees" value={money(part.feesMinor)} />
        <Figure label={t('reconcile.net')} testId="reconcile-net" value={money(part.netSettledMinor)} />
      </dl>
      {!unsupported && mismatchCount === 0 && (
        <p className="muted" style={{ margin: 0 }}>
          {t('reconcile.noMismatch')}
        </p>
      )}
      {part.items.length > 0 && (
        <>
          <h4 style={{ margin: 0 }}>{t('reconcile.mismatches')}</h4>
          <ul style={{ ...column, margin: 0, padding: 0, listStyle: 'none' }}>
            {part.items.map((item) => (
              <MismatchRow
                key={`${item.kind} ${item.refundNumber ?? item.tradeNumber}`}
                item={item}
                onOpenTrail={onOpenTrail}
              />
            ))}
          </ul>
        </>
      )}
    </article>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div style={{ display: 'flex', gap: '0.4rem' }}>
      <dt>{label}</dt>
      <dd data-testid={testId} style={{ margin: 0, fontWeight: 600 }}>
        {value}
      </dd>
    </div>
  );
}

function MismatchRow({ item, onOpenTrail }: { item: ReconcileItem; onOpenTrail: ReconciliationProps['onOpenTrail'] }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const money = useMoney();
  const state = item.state as Exclude<ReconcileState, 'matched'>;
  const side = (minor: number | null) => (minor === null ? '—' : money(minor));
  return (
    <li
      className="reconcile-item"
      data-testid="reconcile-item"
      data-state={item.state}
      data-kind={item.kind}
      data-trade-number={item.tradeNumber}
      data-order-id={item.orderId ?? ''}
      style={{ ...column, gap: '0.2rem', border: '1px solid #ccc', borderRadius: 6, padding: '0.5rem' }}
    >
      <strong title={t(`reconcile.stateHelp.${state}`)}>
        {t(`reconcile.state.${state}`)} · {t(`reconcile.kind.${item.kind}`)} · {formatTime(item.at, locale)}
      </strong>
      <span className="muted">{t(`reconcile.stateHelp.${state}`)}</span>
      <span>
        {t('reconcile.till')}: <b data-testid="reconcile-till-amount">{side(item.tillAmountMinor)}</b> ·{' '}
        {t('reconcile.billSide')}: <b data-testid="reconcile-bill-amount">{side(item.billAmountMinor)}</b>
        {item.feeMinor > 0 && <> · {t('reconcile.fee', { amount: money(item.feeMinor) })}</>}
      </span>
      <span className="mono" style={wrap}>
        {t('reconcile.trade', { number: item.tradeNumber })}
        {item.refundNumber && <> · {t('reconcile.refundNo', { number: item.refundNumber })}</>}
      </span>
      {item.orderId !== null ? (
        onOpenTrail ? (
          <button
            type="button"
            className="btn btn-small"
            data-testid="reconcile-open-order"
            style={{ alignSelf: 'flex-start' }}
            onClick={() => onOpenTrail({ orderId: item.orderId, journalIds: item.journalIds })}
          >
            {t('reconcile.openOrder', { number: item.orderNumber ?? item.orderId })}
          </button>
        ) : (
          <span data-testid="reconcile-order">
            {t('reconcile.order', { number: item.orderNumber ?? item.orderId })}
          </span>
        )
      ) : (
        <span className="muted">{t('reconcile.noOrder')}</span>
      )}
      {item.journalIds.length > 0 && (
        <span className="muted" data-testid="reconcile-journal" style={wrap}>
          {t('reconcile.journal', { ids: item.journalIds.map((id) => `#${id}`).join(', ') })}
        </span>
      )}
    </li>
  );
}
