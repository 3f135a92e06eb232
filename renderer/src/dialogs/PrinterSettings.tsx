// Settings → Receipt printer: where it is, paper width, the drawer, receipt header and footer; test buttons.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../shared/domain';
import type { PrinterSettings as Printer } from '../../../shared/printer';
import { printTestPage, testDrawer, usePrinter } from '../stores/printer';
import { updateSettings } from '../stores/settings';
import { showToast } from '../stores/ui';
import { useBusy } from './useBusy';

export function PrinterSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const p = settings.printer;
  const status = usePrinter((s) => s.status);
  const [uri, setUri] = useState(p.uri ?? '');
  const [columns, setColumns] = useState<Printer['columns']>(p.columns);
  const [drawerPin, setDrawerPin] = useState<Printer['drawerPin']>(p.drawerPin);
  const [kickOnCash, setKickOnCash] = useState(p.kickOnCash);
  const [noReceiptDefault, setNoReceiptDefault] = useState(p.noReceiptDefault);
  const [header, setHeader] = useState(p.header);
  const [footer, setFooter] = useState(p.footer);
  const [busy, run] = useBusy();

  const save = () =>
    run(async () => {
      const printer: Printer = {
        ...p,
        uri: uri.trim() || null,
        columns,
        drawerPin,
        kickOnCash,
        noReceiptDefault,
        header: header.trim(),
        footer: footer.trim(),
      };
      if (await updateSettings({ printer })) showToast({ kind: 'success', key: 'settings.saved' });
    });

  return (
    <section className="settings-section" data-testid="printer-settings">
      <h3>{t('printer.settings.title')}</h3>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span>{t('printer.settings.uri')}</span>
          <input
            data-testid="printer-uri"
            value={uri}
            placeholder="tcp://192.168.1.50:9100"
            onChange={(e) => setUri(e.target.value)}
          />
          <small className="muted">{t('printer.settings.uriHint')}</small>
        </label>
        <label className="field">
          <span>{t('printer.settings.columns')}</span>
          <select
            data-testid="printer-columns"
            value={columns}
            onChange={(e) => setColumns(Number(e.target.value) as Printer['columns'])}
          >
            <option value={32}>{t('printer.settings.col32')}</option>
            <option value={48}>{t('printer.settings.col48')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('printer.settings.drawerPin')}</span>
          <select value={drawerPin} onChange={(e) => setDrawerPin(e.target.value as Printer['drawerPin'])}>
            <option value="pin2">{t('printer.settings.pin0')}</option>
            <option value="pin5">{t('printer.settings.pin1')}</option>
          </select>
        </label>
        <label className="field checkbox">
          <input type="checkbox" checked={kickOnCash} onChange={(e) => setKickOnCash(e.target.checked)} />
          <span>{t('printer.settings.kickOnCash')}</span>
        </label>
        <label className="field checkbox">
          <input type="checkbox" checked={noReceiptDefault} onChange={(e) => setNoReceiptDefault(e.target.checked)} />
          <span>{t('printer.settings.noReceiptDefault')}</span>
        </label>
        <label className="field">
          <span>{t('printer.settings.header')}</span>
          <textarea rows={2} value={header} onChange={(e) => setHeader(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('printer.settings.footer')}</span>
          <textarea rows={2} value={footer} onChange={(e) => setFooter(e.target.value)} />
        </label>
        <div className="button-row">
          <button type="submit" className="btn btn-primary" data-testid="printer-save" disabled={busy}>
            {t('printer.settings.save')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="printer-test-page"
            disabled={busy || !p.uri}
            onClick={() => void run(printTestPage)}
          >
            {t('printer.testPage')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="printer-test-drawer"
            disabled={busy || !p.uri}
            onClick={() => void run(testDrawer)}
          >
            {t('printer.testDrawer')}
          </button>
        </div>
        {status && (
          <p className="muted" data-testid="printer-settings-status">
            {t(`printer.state.${status.state}`)}
          </p>
        )}
      </form>
    </section>
  );
}
