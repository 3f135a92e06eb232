// Settings → Receipt printer: where it is (typed, or picked from the printers this computer lists), paper
// width, the drawer, receipt header and footer; test buttons.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../../../shared/domain';
import {
  canOpenDrawer,
  type PrinterSettings as Printer,
  type PrinterTargetList,
  type PrinterTargets,
} from '../../../shared/printer';
import { request } from '../api/call';
import { printTestPage, testDrawer, usePrinter } from '../stores/printer';
import { updateSettings } from '../stores/settings';
import { showToast } from '../stores/ui';
import { ReceiptPreviewDialog } from './ReceiptPreview';
import { useBusy } from './useBusy';

export function PrinterSettings({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const p = settings.printer;
  const status = usePrinter((s) => s.status);
  const [uri, setUri] = useState(p.uri ?? '');
  const [columns, setColumns] = useState<Printer['columns']>(p.columns);
  const [drawerPin, setDrawerPin] = useState<Printer['drawerPin']>(p.drawerPin);
  const [kickOnCash, setKickOnCash] = useState(p.kickOnCash);
  const [drawerOpenSignal, setDrawerOpenSignal] = useState<Printer['drawerOpenSignal']>(p.drawerOpenSignal);
  const [noReceiptDefault, setNoReceiptDefault] = useState(p.noReceiptDefault);
  const [header, setHeader] = useState(p.header);
  const [footer, setFooter] = useState(p.footer);
  const [preview, setPreview] = useState(false);
  const closePreview = useCallback(() => setPreview(false), []);
  const [busy, run] = useBusy();
  const isSystem = !canOpenDrawer(uri);

  const save = () =>
    run(async () => {
      const printer: Printer = {
        ...p,
        uri: uri.trim() || null,
        columns,
        drawerPin,
        drawerOpenSignal,
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
        <PrinterPicker uri={uri} onPick={setUri} />
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
        <label className="field">
          <span>{t('printer.settings.drawerOpenSignal')}</span>
          <select
            data-testid="printer-drawer-signal"
            value={drawerOpenSignal}
            onChange={(e) => setDrawerOpenSignal(e.target.value as Printer['drawerOpenSignal'])}
          >
            <option value="off">{t('printer.settings.drawerSignalOff')}</option>
            <option value="high">{t('printer.settings.drawerSignalHigh')}</option>
            <option value="low">{t('printer.settings.drawerSignalLow')}</option>
          </select>
          {status?.drawerSignal && (
            <small className="muted" data-testid="printer-drawer-signal-now">
              {t('printer.settings.drawerSignalNow', {
                level: t(`printer.settings.level.${status.drawerSignal}`),
              })}
            </small>
          )}
        </label>
        <label className="check">
          <input type="checkbox" checked={kickOnCash} onChange={(e) => setKickOnCash(e.target.checked)} />
          <span>{t('printer.settings.kickOnCash')}</span>
        </label>
        {isSystem && (
          <p className="muted" data-testid="printer-no-drawer-system">
            {t('printer.settings.noDrawerOnSystem')}
          </p>
        )}
        <label className="check">
          <input type="checkbox" checked={noReceiptDefault} onChange={(e) => setNoReceiptDefault(e.target.checked)} />
          <span>{t('printer.settings.noReceiptDefault')}</span>
        </label>
        <label className="field">
          <span>{t('printer.settings.header')}</span>
          <textarea rows={2} data-testid="printer-header" value={header} onChange={(e) => setHeader(e.target.value)} />
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
            disabled={busy || !p.uri || !canOpenDrawer(p.uri)}
            onClick={() => void run(testDrawer)}
          >
            {t('printer.testDrawer')}
          </button>
          <button type="button" className="btn" data-testid="printer-preview" onClick={() => setPreview(true)}>
            {t('printer.preview.sampleButton')}
          </button>
        </div>
        {preview && <ReceiptPreviewDialog layout={{ columns, header, footer }} onClose={closePreview} />}
        {status && (
          <p className="muted" data-testid="printer-settings-status">
            {t(`printer.state.${status.state}`)}
          </p>
        )}
      </form>
    </section>
  );
}

const KINDS = ['serial', 'cups', 'win', 'system'] as const;
type Kind = (typeof KINDS)[number];
const BAUDS = [9600, 19200, 38400, 57600, 115200] as const;

/** The URI for a listed printer (serial: with the chosen speed). */
function uriFor(kind: Kind, name: string, baud: number): string {
  return kind === 'serial' ? `serial:${name}?baud=${baud}` : `${kind}:${name}`;
}

/** The printers this computer lists, per kind, or why it cannot list them; picking one fills the URI. */
function PrinterPicker({ uri, onPick }: { uri: string; onPick: (uri: string) => void }) {
  const { t } = useTranslation();
  const [targets, setTargets] = useState<PrinterTargets | null>(null);
  const serialNow = /^\s*serial:([^?]*)(?:\?.*baud=(\d+))?/i.exec(uri);
  const [baud, setBaud] = useState<number>(serialNow?.[2] ? Number(serialNow[2]) : 9600);

  useEffect(() => {
    let live = true;
    void request('printer.targets', {}).then((v) => {
      if (live && v) setTargets(v);
    });
    return () => {
      live = false;
    };
  }, []);

  const why = (kind: Kind, list: Extract<PrinterTargetList, { ok: false }>): string => {
    if (list.why === 'desktop_only') return t('printer.settings.pick.desktopOnly');
    if (list.why === 'other_os' && (kind === 'cups' || kind === 'win'))
      return t(`printer.settings.pick.otherOs.${kind}`);
    return t(`printer.settings.pick.why.${kind}`, { detail: list.detail ?? '' });
  };

  return (
    <fieldset className="field" data-testid="printer-targets">
      <legend>{t('printer.settings.pick.title')}</legend>
      {!targets && <small className="muted">{t('printer.settings.pick.loading')}</small>}
      {targets &&
        KINDS.map((kind) => {
          const list = targets[kind];
          return (
            <div key={kind} className="field" data-testid={`printer-targets-${kind}`}>
              <span>{t(`printer.settings.pick.kind.${kind}`)}</span>
              {list.ok ? (
                list.items.length === 0 ? (
                  <small className="muted">{t('printer.settings.pick.none')}</small>
                ) : (
                  <select
                    data-testid={`printer-pick-${kind}`}
                    value=""
                    onChange={(e) => {
                      if (e.target.value) onPick(uriFor(kind, e.target.value, baud));
                    }}
                  >
                    <option value="">{t('printer.settings.pick.choose')}</option>
                    {list.items.map((item) => (
                      <option key={item.name} value={item.name}>
                        {item.label ? `${item.name} (${item.label})` : item.name}
                      </option>
                    ))}
                  </select>
                )
              ) : (
                <small className="muted" data-testid={`printer-targets-${kind}-why`}>
                  {why(kind, list)}
                </small>
              )}
              {kind === 'serial' && (
                <label>
                  <span>{t('printer.settings.pick.baud')}</span>
                  <select
                    data-testid="printer-baud"
                    value={baud}
                    onChange={(e) => {
                      const next = Number(e.target.value);
                      setBaud(next);
                      // A serial URI already typed or picked takes the new speed.
                      if (serialNow) onPick(uriFor('serial', serialNow[1], next));
                    }}
                  >
                    {BAUDS.map((b) => (
                      <option key={b} value={b}>
                        {b}
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          );
        })}
    </fieldset>
  );
}
