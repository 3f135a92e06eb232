// Settings → Verify journal (owner, or a cashier with an owner's approval: the 'reports' permission): the
// journal's chain and every completed order recomputed from the tables; OK with what was counted and the
// chain head's 16 hex digits (the ones a Z prints), or the first thing that differs.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JournalVerifyReport } from '../../../shared/api';
import { request } from '../api/call';
import { useBusy } from './useBusy';

/** The first finding, in the verifier's words: a changed or missing entry, an order, or a segment not checked. */
export function firstFinding(r: JournalVerifyReport): string | null {
  return r.firstBad?.why ?? r.orders.firstBad?.why ?? r.segments.find((s) => !s.verified)?.why ?? null;
}

export function VerifyJournal() {
  const { t } = useTranslation();
  const [report, setReport] = useState<JournalVerifyReport | null>(null);
  const [busy, run] = useBusy();
  const verify = () =>
    run(async () => {
      setReport(null);
      const r = await request('journal.verify', {});
      if (r) setReport(r);
    });
  const finding = report && !report.ok ? firstFinding(report) : null;
  return (
    <section className="settings-section">
      <h3>{t('verifyJournal.title')}</h3>
      <p>{t('verifyJournal.help')}</p>
      <button type="button" className="btn" data-testid="verify-journal" disabled={busy} onClick={() => void verify()}>
        {busy ? t('verifyJournal.running') : t('verifyJournal.run')}
      </button>
      {report && (
        <div
          className={report.ok ? 'verify-result verify-ok' : 'verify-result verify-bad'}
          data-testid="verify-result"
          data-ok={report.ok}
          role="status"
        >
          <strong>{report.ok ? t('verifyJournal.ok') : t('verifyJournal.bad')}</strong>
          <p>
            {t('verifyJournal.counted', {
              entries: report.entries,
              segments: report.segments.length,
              orders: report.orders.checked,
            })}
          </p>
          {report.head?.short && (
            <p>
              {t('verifyJournal.head')} <span className="mono">{report.head.short}</span>
            </p>
          )}
          {finding && (
            <p>
              {t('verifyJournal.first')} <span data-testid="verify-first">{finding}</span>
            </p>
          )}
          {report.orders.differing > 1 && <p>{t('verifyJournal.ordersDiffer', { count: report.orders.differing })}</p>}
        </div>
      )}
    </section>
  );
}
