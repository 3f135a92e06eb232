// The owner's reports (/reports): a business day or a range of them at a glance, made for a phone first. Figures
// come from reports.get (they equal the Z reports of the same days); the charts are shared/report-charts.ts's,
// the same the printable report draws on the server. A cashier who opens the page is asked for the owner's PIN.
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../shared/api';
import { formatMoney } from '../../../shared/money';
import { MAX_REPORT_DAYS, type Report, type ReportRange } from '../../../shared/report';
import {
  hourChart,
  methodChart,
  productChart,
  type ReportChartLabels,
  TOP_PRODUCTS,
  trendChart,
} from '../../../shared/report-charts';
import { StaffAction } from '../../../shared/staff';
import { client } from '../api/client';
import { requestApproval } from '../components/ApprovalPrompt';
import { displayName, useLocale, useMoney } from '../format';
import { errorText } from '../i18n';
import { navigate, routeHref } from '../router';
import { useSettings } from '../stores/settings';
import { useStaff } from '../stores/staff';
import { fewerTicks, wrapPieLabels } from './chartTweaks';
import { Alerts } from './Alerts';
import { CsvExport } from './CsvExport';
import { customProblem, PERIODS, type Period, periodRange, todayBusinessDay } from './period';
import { PdfButton, PrintButton } from './PrintButton';
import { Reconciliation } from './Reconciliation';
import { ReportChart } from './ReportChart';
import { TrailDialog, type TrailTarget } from './TrailDialog';
import { hourLabel, hoursInDayOrder, methodName, quantityText } from './reportText';

type Loaded = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready' };

/** reports.get, asking for the owner's PIN when a cashier is signed in (as api/call.ts does, keeping the error). */
async function loadReport(range: ReportRange) {
  let r = await client.call('reports.get', range);
  if (!r.ok && r.error.code === 'APPROVAL_NEEDED') {
    const action = StaffAction.safeParse(r.error.params?.action);
    if (action.success && (await requestApproval(action.data))) r = await client.call('reports.get', range);
  }
  return r;
}

export function ReportsPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const startHour = useSettings((s) => s.settings?.businessDayStartHour);
  const tillOffset = useSettings((s) => s.info?.utcOffsetMinutes);
  const signedInId = useStaff((s) => s.status?.signedIn?.id ?? null);
  const [period, setPeriod] = useState<Period>('today');
  // "Today" is read when a period is picked, so a page left open past the day's start moves on at the next pick.
  const [now, setNow] = useState(() => new Date());
  const today =
    startHour === undefined || tillOffset === undefined ? null : todayBusinessDay(now, startHour, tillOffset);
  const [custom, setCustom] = useState({ fromDay: '', toDay: '' });
  const problem = period === 'custom' ? customProblem(custom.fromDay, custom.toDay) : null;
  const range: ReportRange | null =
    today === null ? null : period === 'custom' ? (problem ? null : custom) : periodRange(period, today);
  const fromDay = range?.fromDay;
  const toDay = range?.toDay;

  const [report, setReport] = useState<Report | null>(null);
  const [trail, setTrail] = useState<TrailTarget | null>(null);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'idle' });
  const asked = useRef(0);

  const load = useCallback(async (r: ReportRange, quiet = false) => {
    // A quiet reload does not outrank the owner's own pick: it answers only if nothing newer was asked.
    const mine = quiet ? asked.current : ++asked.current;
    if (!quiet) setLoaded({ status: 'loading' });
    const answer = quiet ? await client.call('reports.get', r) : await loadReport(r);
    // A slower answer for a range the owner has since left is dropped.
    if (mine !== asked.current) return;
    if (answer.ok) {
      setReport(answer.value);
      setLoaded({ status: 'ready' });
    } else if (!quiet) {
      setLoaded({ status: 'error', error: answer.error });
    }
  }, []);

  // Again when someone else signs in (after the lock screen): what they may see is theirs to ask for.
  // biome-ignore lint/correctness/useExhaustiveDependencies: signedInId is a reason to ask again, not an input
  useEffect(() => {
    if (fromDay && toDay) void load({ fromDay, toDay });
  }, [fromDay, toDay, signedInId, load]);

  // A range that reaches today follows the till: a sale, a void or a refund there shows here within a second
  // (coalesced, so a busy till does not ask once per event). A cashier's screen is never interrupted by it: a
  // refused quiet reload just waits for the next pick.
  useEffect(() => {
    if (!fromDay || !toDay || !today || toDay < today) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = client.on('orders.changed', () => {
      timer ??= setTimeout(() => {
        timer = null;
        void load({ fromDay, toDay }, true);
      }, 1000);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [fromDay, toDay, today, load]);

  const pick = (p: Period) => {
    setNow(new Date());
    setPeriod(p);
    if (p === 'custom' && today && !custom.fromDay) setCustom({ fromDay: today, toDay: today });
  };

  const shown = report && range && report.fromDay === range.fromDay && report.toDay === range.toDay ? report : null;

  return (
    <div className="reports-page" data-testid="reports-page">
      <header className="reports-top">
        <a
          className="btn btn-ghost btn-small"
          href={routeHref('cashier', window.location)}
          data-testid="reports-back"
          onClick={(e) => {
            e.preventDefault();
            navigate('cashier');
          }}
        >
          ← {t('reports.backToTill')}
        </a>
        <h1>{t('reports.title')}</h1>
      </header>

      <section className="reports-card" aria-label={t('reports.period')}>
        <fieldset className="reports-periods">
          <legend className="visually-hidden">{t('reports.period')}</legend>
          {PERIODS.map((p) => (
            <button
              key={p}
              type="button"
              className={`btn btn-small${p === period ? ' btn-primary' : ''}`}
              aria-pressed={p === period}
              data-testid={`period-${p}`}
              onClick={() => pick(p)}
            >
              {t(`reports.periods.${p}`)}
            </button>
          ))}
        </fieldset>
        {period === 'custom' && (
          <div className="reports-custom">
            <label className="field">
              {t('reports.from')}
              <input
                type="date"
                value={custom.fromDay}
                max={today ?? undefined}
                data-testid="period-from"
                onChange={(e) => setCustom({ ...custom, fromDay: e.target.value })}
              />
            </label>
            <label className="field">
              {t('reports.to')}
              <input
                type="date"
                value={custom.toDay}
                max={today ?? undefined}
                data-testid="period-to"
                onChange={(e) => setCustom({ ...custom, toDay: e.target.value })}
              />
            </label>
            {problem && (
              <p className="reason-error" data-testid="period-problem">
                {t(`reports.customProblem.${problem}`, { max: MAX_REPORT_DAYS })}
              </p>
            )}
          </div>
        )}
        {range && (
          <p className="muted" data-testid="report-range">
            {range.fromDay === range.toDay
              ? range.fromDay
              : t('reports.range', { from: range.fromDay, to: range.toDay })}
          </p>
        )}
      </section>

      {loaded.status === 'error' && (
        <div className="reports-card reports-error" role="alert" data-testid="report-error">
          <p>{t('reports.failed', { message: errorText(t, loaded.error) })}</p>
          {range && (
            <button type="button" className="btn btn-small" onClick={() => void load(range)}>
              {t('reports.retry')}
            </button>
          )}
        </div>
      )}
      {loaded.status === 'loading' && !shown && (
        <p className="reports-card muted" data-testid="report-loading">
          {t('reports.loading')}
        </p>
      )}
      {shown && range && (
        <div className={loaded.status === 'loading' ? 'reports-body is-loading' : 'reports-body'}>
          <ReportBody report={shown} startHour={startHour ?? 0} locale={locale} />
          <Alerts fromDay={range.fromDay} toDay={range.toDay} onOpenTrail={setTrail} />
          {/* The wallets' bills are per day: the range's last day (a day's bill is ready the next morning). */}
          <Reconciliation day={range.toDay} onOpenTrail={setTrail} />
          <section className="reports-card" data-testid="report-export">
            <h2>{t('reports.export.title')}</h2>
            <CsvExport
              fromDay={range.fromDay}
              toDay={range.toDay}
              label={t('reports.export.csv', {
                range:
                  range.fromDay === range.toDay
                    ? range.fromDay
                    : t('reports.range', { from: range.fromDay, to: range.toDay }),
              })}
              className="reports-csv"
              testId="report-csv"
            />
            <PrintButton range={range} />
            <PdfButton range={range} />
          </section>
        </div>
      )}
      {trail && <TrailDialog target={trail} onClose={() => setTrail(null)} />}
    </div>
  );
}

function ReportBody({ report, startHour, locale }: { report: Report; startHour: number; locale: string }) {
  const { t } = useTranslation();
  const money = useMoney(report.currency);
  const [allProducts, setAllProducts] = useState(false);
  const tot = report.totals;

  const charts = useMemo(() => {
    const fmt = (minor: number) => formatMoney(minor, report.currency, locale);
    const labels: ReportChartLabels = {
      sales: t('reports.chartSeries.sales'),
      net: t('reports.chartSeries.net'),
      orders: t('reports.chartSeries.orders'),
      hour: hourLabel,
      day: (day) => day.slice(5),
      method: (key) => methodName(key, t),
      product: (p) => displayName(p, locale),
    };
    return {
      hour: hourChart(report, labels, fmt),
      trend: trendChart(report, labels, fmt),
      method: wrapPieLabels(methodChart(report, labels, fmt)),
      product: fewerTicks(productChart(report, labels, fmt)),
    };
  }, [report, locale, t]);

  const products = allProducts ? report.products : report.products.slice(0, TOP_PRODUCTS);

  return (
    <>
      <DayStatus report={report} />
      <section className="reports-card" data-testid="report-headline">
        <h2>{t('reports.headline.title')}</h2>
        <dl className="reports-figures">
          <Figure label={t('reports.headline.net')} value={money(tot.netMinor)} testId="fig-net" big />
          <Figure label={t('reports.headline.sales')} value={money(tot.salesMinor)} testId="fig-sales" />
          <Figure label={t('reports.headline.orders')} value={String(tot.orderCount)} testId="fig-orders" />
          <Figure
            label={t('reports.headline.averageTicket')}
            value={money(tot.averageTicketMinor)}
            testId="fig-average"
          />
          <Figure label={t('reports.headline.refunds')} value={money(tot.refundsMinor)} testId="fig-refunds" />
          <Figure label={t('reports.headline.discounts')} value={money(tot.discountsMinor)} testId="fig-discounts" />
          <Figure label={t('reports.headline.gross')} value={money(tot.grossMinor)} testId="fig-gross" />
        </dl>
        {tot.orderCount === 0 && <p className="muted">{t('reports.noOrders')}</p>}
        <p className="muted reports-other">
          {t('reports.other.voids')} <b data-testid="fig-voids">{tot.voids}</b> · {t('reports.other.noSale')}{' '}
          <b data-testid="fig-no-sale">{tot.noSaleOpenings}</b> · {t('reports.other.priceOverrides')}{' '}
          <b data-testid="fig-overrides">{tot.priceOverrides}</b>
        </p>
      </section>

      <section className="reports-card" data-testid="report-methods">
        <h2>{t('reports.methods.title')}</h2>
        {/* An empty donut says nothing: the chart shows once money came in. */}
        {report.methods.some((m) => m.netMinor > 0) && (
          <ReportChart
            option={charts.method}
            locale={locale}
            testId="chart-methods"
            label={t('reports.methods.chart')}
          />
        )}
        <Table
          head={[
            t('reports.methods.method'),
            t('reports.methods.count'),
            t('reports.methods.received'),
            t('reports.methods.refunded'),
            t('reports.methods.net'),
          ]}
        >
          {report.methods.map((m) => (
            <tr key={m.key} data-testid="method-row" data-key={m.key}>
              <td>{methodName(m.key, t)}</td>
              <td className="num">{m.count}</td>
              <td className="num" data-testid="method-received">
                {money(m.receivedMinor)}
              </td>
              <td className="num" data-testid="method-refunded">
                {money(m.refundedMinor)}
              </td>
              <td className="num" data-testid="method-net">
                {money(m.netMinor)}
              </td>
            </tr>
          ))}
        </Table>
        <p className="muted small">{t('reports.methods.note')}</p>
      </section>

      <section className="reports-card" data-testid="report-hours">
        <h2>{t('reports.hours.title')}</h2>
        <ReportChart option={charts.hour} locale={locale} testId="chart-hours" label={t('reports.hours.chart')} />
        <Table head={[t('reports.hours.hour'), t('reports.hours.orders'), t('reports.hours.sales')]}>
          {hoursInDayOrder(report.hours, startHour).map((h) => (
            <tr key={h.hour} data-testid="hour-row" data-hour={h.hour}>
              <td>{hourLabel(h.hour)}</td>
              <td className="num">{h.orderCount}</td>
              <td className="num" data-testid="hour-sales">
                {money(h.salesMinor)}
              </td>
            </tr>
          ))}
        </Table>
      </section>

      <section className="reports-card" data-testid="report-trend">
        <h2>{t('reports.trend.title')}</h2>
        <ReportChart option={charts.trend} locale={locale} testId="chart-trend" label={t('reports.trend.chart')} />
        <details>
          <summary>{t('reports.trend.figures')}</summary>
          <Table
            head={[t('reports.trend.day'), t('reports.trend.orders'), t('reports.trend.sales'), t('reports.trend.net')]}
          >
            {report.trend.map((d) => (
              <tr key={d.day} data-testid="trend-row" data-day={d.day}>
                <td>{d.day}</td>
                <td className="num">{d.orderCount}</td>
                <td className="num" data-testid="trend-sales">
                  {money(d.salesMinor)}
                </td>
                <td className="num" data-testid="trend-net">
                  {money(d.netMinor)}
                </td>
              </tr>
            ))}
          </Table>
        </details>
      </section>

      <section className="reports-card" data-testid="report-products">
        <h2>{t('reports.products.title')}</h2>
        {report.products.length > 0 && (
          <ReportChart
            option={charts.product}
            locale={locale}
            testId="chart-products"
            label={t('reports.products.chart')}
            height={Math.max(120, 28 * Math.min(TOP_PRODUCTS, report.products.length) + 40)}
          />
        )}
        <Table
          head={[
            t('reports.products.product'),
            t('reports.products.quantity'),
            t('reports.products.sales'),
            t('reports.products.orders'),
          ]}
        >
          {products.map((p) => (
            <tr key={`${p.productId ?? 'x'}:${p.barcode}:${p.name}`} data-testid="product-row" data-barcode={p.barcode}>
              <td>
                {displayName(p, locale)}
                {p.productId === null && <span className="muted"> ({t('reports.products.deleted')})</span>}
              </td>
              <td className="num">{quantityText(p, locale)}</td>
              <td className="num" data-testid="product-sales">
                {money(p.salesMinor)}
              </td>
              <td className="num">{p.orderCount}</td>
            </tr>
          ))}
        </Table>
        {report.products.length > TOP_PRODUCTS && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="products-toggle"
            onClick={() => setAllProducts(!allProducts)}
          >
            {allProducts
              ? t('reports.products.showTop', { count: TOP_PRODUCTS })
              : t('reports.products.showAll', { count: report.products.length })}
          </button>
        )}
      </section>

      <section className="reports-card" data-testid="report-categories">
        <h2>{t('reports.categories.title')}</h2>
        <Table
          head={[t('reports.categories.category'), t('reports.categories.quantity'), t('reports.categories.sales')]}
        >
          {report.categories.map((c) => (
            <tr key={c.category} data-testid="category-row">
              <td>{c.category || t('reports.categories.none')}</td>
              <td className="num">{c.quantity}</td>
              <td className="num">{money(c.salesMinor)}</td>
            </tr>
          ))}
        </Table>
      </section>

      <section className="reports-card" data-testid="report-tax">
        <h2>{t('reports.tax.title')}</h2>
        <Table head={[t('reports.tax.rate'), t('reports.tax.sales'), t('reports.tax.tax'), t('reports.tax.net')]}>
          {report.taxByRate.map((r) => (
            <tr key={r.taxRateBp} data-testid="tax-row" data-rate={r.taxRateBp}>
              <td>{`${r.taxRateBp / 100}%`}</td>
              <td className="num">{money(r.salesMinor)}</td>
              <td className="num">{money(r.taxMinor)}</td>
              <td className="num">{money(r.netTaxMinor)}</td>
            </tr>
          ))}
        </Table>
      </section>

      <section className="reports-card" data-testid="report-cashiers">
        <h2>{t('reports.cashiers.title')}</h2>
        <Table
          head={[
            t('reports.cashiers.cashier'),
            t('reports.cashiers.orders'),
            t('reports.cashiers.sales'),
            t('reports.cashiers.voids'),
          ]}
        >
          {report.cashiers.map((c) => (
            <tr key={`${c.staffId ?? 'none'}:${c.name}`} data-testid="cashier-row">
              <td>{c.staffId === null ? t('reports.cashiers.before') : c.name}</td>
              <td className="num">{c.orderCount}</td>
              <td className="num">{money(c.salesMinor)}</td>
              <td className="num">{c.voids}</td>
            </tr>
          ))}
        </Table>
      </section>
    </>
  );
}

/** Days still open (their figures can change) and the Zs that closed the others. */
function DayStatus({ report }: { report: Report }) {
  const { t } = useTranslation();
  if (report.openDays.length === 0 && report.zReports.length === 0) return null;
  return (
    <section className="reports-days" data-testid="report-days">
      {report.openDays.length > 0 && (
        <p className="reports-open" data-testid="report-open-days">
          {report.fromDay === report.toDay
            ? t('reports.openDay')
            : t('reports.openDays', { days: report.openDays.join(', ') })}
        </p>
      )}
      {report.zReports.length > 0 && (
        <p className="muted" data-testid="report-z-days">
          {t('reports.zDays', {
            list: report.zReports.map((z) => t('reports.zItem', { number: z.number, day: z.businessDay })).join(', '),
          })}
        </p>
      )}
    </section>
  );
}

function Figure({ label, value, testId, big }: { label: string; value: string; testId: string; big?: boolean }) {
  return (
    <div className={big ? 'reports-figure is-big' : 'reports-figure'}>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );
}

/** A table that scrolls sideways inside its own box when a phone is too narrow for it. */
function Table({ head, children }: { head: string[]; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="reports-table">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={h} className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
