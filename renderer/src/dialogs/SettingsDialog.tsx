// Language, shop name, currency, scanner timing; demo data; what this till is.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CURRENCIES, type Currency, type Language, type Settings } from '../../../shared/domain';
import { SCALE_PRESETS, ScaleSettings as ScaleSettingsSchema, type ScaleSettings } from '../../../shared/scale';
import { request } from '../api/call';
import { Modal } from '../components/Modal';
import { updateSettings, useSettings } from '../stores/settings';
import { closeDialog, openDialog, showToast } from '../stores/ui';
import { PaymentSettings } from './PaymentSettings';
import { PrinterSettings } from './PrinterSettings';
import { ScannerSettings } from './ScannerSettings';
import { RiskSettings } from './RiskSettings';
import { StaffSettings } from './StaffSettings';
import { useBusy } from './useBusy';
import { VerifyJournal } from './VerifyJournal';
import { WalletSettings } from './WalletSettings';

async function saveAndSay(patch: Parameters<typeof updateSettings>[0]): Promise<void> {
  if (await updateSettings(patch)) showToast({ kind: 'success', key: 'settings.saved' });
}

/** The hours a business day may start at. */
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

export function SettingsDialog() {
  const { t } = useTranslation();
  const settings = useSettings((s) => s.settings);
  const info = useSettings((s) => s.info);
  const [busy, run] = useBusy();

  const save = (patch: Parameters<typeof updateSettings>[0]) => run(() => saveAndSay(patch));

  return (
    <Modal title={t('settings.title')} onClose={closeDialog} testId="settings-dialog">
      <div className="form-grid">
        <label className="field">
          <span>{t('settings.language')}</span>
          <select
            data-testid="settings-language"
            data-autofocus
            value={settings?.language ?? 'auto'}
            disabled={busy}
            onChange={(e) => void save({ language: e.target.value as Language })}
          >
            <option value="auto">{t('lang.auto')}</option>
            <option value="zh-CN">{t('lang.zh')}</option>
            <option value="en">{t('lang.en')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('settings.currency')}</span>
          <select
            data-testid="settings-currency"
            value={settings?.currency ?? 'CNY'}
            disabled={busy}
            onChange={(e) => void save({ currency: e.target.value as Currency })}
          >
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field" title={t('zreport.dayStartHelp')}>
          <span>{t('zreport.dayStart')}</span>
          <select
            data-testid="settings-day-start"
            value={settings?.businessDayStartHour ?? 5}
            disabled={busy || !settings}
            onChange={(e) => void save({ businessDayStartHour: Number(e.target.value) })}
          >
            {HOURS.map((hour) => (
              <option key={hour} value={hour}>
                {t('zreport.hour', { hour: String(hour).padStart(2, '0') })}
              </option>
            ))}
          </select>
        </label>
        {settings ? <ShopForm settings={settings} /> : <p className="empty">{t('common.loading')}</p>}
      </div>
      {settings && <ScaleForm key={JSON.stringify(settings.scaleBarcodes)} scale={settings.scaleBarcodes} />}
      {settings && <PaymentSettings key={settings.currency} settings={settings} />}
      <WalletSettings />
      {settings && <PrinterSettings settings={settings} />}
      {settings && <ScannerSettings key={settings.scannerSerial ?? ''} settings={settings} />}
      {settings && <StaffSettings key={JSON.stringify(settings.staffRules)} settings={settings} />}
      {settings && <RiskSettings key={JSON.stringify(settings.riskRules)} settings={settings} />}
      <VerifyJournal />
      <section className="settings-section">
        <h3>{t('settings.demo')}</h3>
        <p>{info?.isDemoData ? t('settings.demoActive') : t('settings.demoNone')}</p>
        <button
          type="button"
          className="btn btn-danger"
          data-testid="settings-clear-demo"
          disabled={!info?.isDemoData}
          onClick={() => openDialog('clearDemo')}
        >
          {t('clearDemo.confirm')}
        </button>
      </section>
      {info && (
        <section className="settings-section">
          <h3>{t('settings.about')}</h3>
          <dl className="about">
            <dt>{t('settings.version')}</dt>
            <dd data-testid="app-version">{info.version}</dd>
            <dt>{t('settings.mode')}</dt>
            <dd>{info.mode === 'electron' ? t('settings.modeElectron') : t('settings.modeHost')}</dd>
            <dt>{t('settings.tillId')}</dt>
            <dd>{info.tillId}</dd>
            <dt>{t('settings.dataDir')}</dt>
            <dd className="mono">{info.dataDir}</dd>
          </dl>
        </section>
      )}
    </Modal>
  );
}

export function ClearDemoDialog() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const clear = async () => {
    setBusy(true);
    const r = await request('catalog.clearDemo', {});
    setBusy(false);
    if (!r) return;
    closeDialog();
    showToast({ kind: 'success', key: 'clearDemo.done', params: { count: r.removedProducts } });
  };
  return (
    <Modal title={t('clearDemo.title')} onClose={closeDialog} testId="clear-demo-dialog" size="sm">
      <p className="confirm-text">{t('clearDemo.body')}</p>
      <div className="button-row">
        <button type="button" className="btn" data-autofocus data-testid="clear-demo-cancel" onClick={closeDialog}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          data-testid="clear-demo-confirm"
          disabled={busy}
          onClick={() => void clear()}
        >
          {busy ? t('common.working') : t('clearDemo.confirm')}
        </button>
      </div>
    </Modal>
  );
}

const PRESETS = Object.keys(SCALE_PRESETS) as (keyof typeof SCALE_PRESETS)[];

/** Price/weight scale labels: on or off, which flags, and one template a label length (presets or typed). */
function ScaleForm({ scale }: { scale: ScaleSettings }) {
  const { t } = useTranslation();
  const [enabled, setEnabled] = useState(scale.enabled);
  const [prefixes, setPrefixes] = useState(scale.prefixes.join(' '));
  const [templates, setTemplates] = useState(scale.templates.join(' '));
  const [busy, run] = useBusy();
  const patch = {
    enabled,
    prefixes: prefixes
      .split(/[\s,，]+/)
      .filter(Boolean)
      .map(Number),
    templates: templates
      .toUpperCase()
      .split(/[\s,，]+/)
      .filter(Boolean),
  };
  const valid = ScaleSettingsCheck(patch);
  const addPreset = (template: string) => {
    const others = patch.templates.filter((x) => x.length !== template.length);
    setTemplates([...others, template].join(' '));
  };
  return (
    <section className="settings-section" data-testid="settings-scales">
      <h3>{t('settings.scales')}</h3>
      <p>{t('settings.scalesHelp')}</p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) void run(() => saveAndSay({ scaleBarcodes: patch }));
        }}
      >
        <label className="check">
          <input
            type="checkbox"
            data-testid="settings-scales-enabled"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          <span>{t('settings.scalesEnabled')}</span>
        </label>
        <label className="field">
          <span>{t('settings.scalesPrefixes')}</span>
          <input
            data-testid="settings-scales-prefixes"
            className={valid ? '' : 'invalid'}
            value={prefixes}
            onChange={(e) => setPrefixes(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('settings.scalesTemplates')}</span>
          <input
            data-testid="settings-scales-templates"
            className={`mono${valid ? '' : ' invalid'}`}
            value={templates}
            onChange={(e) => setTemplates(e.target.value)}
          />
        </label>
        <div className="button-row">
          {PRESETS.map((p) => (
            <button key={p} type="button" className="btn" onClick={() => addPreset(SCALE_PRESETS[p])}>
              {t(`settings.scalesPreset.${p}`)}
            </button>
          ))}
          <button
            type="submit"
            className="btn btn-primary"
            data-testid="settings-scales-save"
            disabled={busy || !valid}
          >
            {t('common.save')}
          </button>
        </div>
        {!valid && <small className="reason-error">{t('settings.scalesInvalid')}</small>}
      </form>
    </section>
  );
}

function ScaleSettingsCheck(v: unknown): boolean {
  return ScaleSettingsSchema.safeParse(v).success;
}

/** What the scanner may send around a code: printable ASCII without spaces, as shared/domain.ts checks. */
const SCAN_AFFIX = /^[\x21-\x7e]{0,8}$/;

/**
 * Shop name and scanner settings, edited from the settings as loaded: mounted only once they are, so a
 * dialog opened before they arrive never offers (or saves) placeholder values.
 */
function ShopForm({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const [shopName, setShopName] = useState(settings.shopName);
  const [gap, setGap] = useState(String(settings.scanMaxGapMs));
  const [prefix, setPrefix] = useState(settings.scanPrefix);
  const [suffix, setSuffix] = useState(settings.scanSuffix);
  const [minLength, setMinLength] = useState(String(settings.scanMinLength));
  const [busy, run] = useBusy();
  const save = (patch: Parameters<typeof updateSettings>[0]) => run(() => saveAndSay(patch));
  const gapValue = Number(gap);
  const gapValid = Number.isInteger(gapValue) && gapValue >= 5 && gapValue <= 200;
  const prefixValid = SCAN_AFFIX.test(prefix);
  const suffixValid = SCAN_AFFIX.test(suffix);
  const minValue = Number(minLength);
  const minValid = minLength.trim() !== '' && Number.isInteger(minValue) && minValue >= 1 && minValue <= 64;
  const patch = {
    ...(gapValid && gapValue !== settings.scanMaxGapMs ? { scanMaxGapMs: gapValue } : {}),
    ...(prefixValid && prefix !== settings.scanPrefix ? { scanPrefix: prefix } : {}),
    ...(suffixValid && suffix !== settings.scanSuffix ? { scanSuffix: suffix } : {}),
    ...(minValid && minValue !== settings.scanMinLength ? { scanMinLength: minValue } : {}),
  };
  const dirty = shopName.trim() !== settings.shopName || Object.keys(patch).length > 0;

  return (
    <form
      className="shop-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty && shopName.trim()) void save({ shopName: shopName.trim(), ...patch });
      }}
    >
      <label className="field">
        <span>{t('settings.shopName')}</span>
        <input
          data-testid="settings-shop-name"
          maxLength={60}
          value={shopName}
          onChange={(e) => setShopName(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('settings.scanGap')}</span>
        <input
          data-testid="settings-scan-gap"
          inputMode="numeric"
          className={gapValid ? '' : 'invalid'}
          value={gap}
          onChange={(e) => setGap(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('settings.scanPrefix')}</span>
        <input
          data-testid="settings-scan-prefix"
          data-scan="field"
          maxLength={8}
          className={prefixValid ? '' : 'invalid'}
          value={prefix}
          onChange={(e) => setPrefix(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('settings.scanSuffix')}</span>
        <input
          data-testid="settings-scan-suffix"
          data-scan="field"
          maxLength={8}
          className={suffixValid ? '' : 'invalid'}
          value={suffix}
          onChange={(e) => setSuffix(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('settings.scanMinLength')}</span>
        <input
          data-testid="settings-scan-min-length"
          inputMode="numeric"
          className={minValid ? '' : 'invalid'}
          value={minLength}
          onChange={(e) => setMinLength(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="btn btn-primary"
        data-testid="settings-save"
        disabled={busy || !dirty || !shopName.trim()}
      >
        {t('common.save')}
      </button>
    </form>
  );
}
