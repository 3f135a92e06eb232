// The shop's settings: defaults merged with what was saved. Internal keys (till id, install id, demo
// flag) live in the same table under a "till." or "catalog." prefix and never reach the API.
import { DEFAULT_START_HOUR } from '../../shared/business-day';
import { RiskRules, Settings } from '../../shared/domain';
import { SCALE_PRESETS } from '../../shared/scale';
import { DEFAULT_PRINTER_SETTINGS } from '../../shared/printer';
import type { SettingsRepo } from '../db/settings';

export const DEFAULT_SETTINGS: Settings = {
  shopName: 'Tillpoint Demo Café',
  currency: 'CNY',
  language: 'auto',
  scanMaxGapMs: 30,
  scanPrefix: '',
  scanSuffix: '',
  scanMinLength: 4,
  displayThanksMs: 8000,
  payExpirySeconds: 120,
  // 5,000.00 for wallets, 50,000.00 for a bank transfer, in minor units of the shop currency.
  payLimits: { qr: 500_000, payment_code: 500_000, bank_qr: 5_000_000 },
  paymentCodeWaitSeconds: 60,
  bankQr: { enabled: false, scheme: 'promptpay', account: '', guid: '', merchantName: '', merchantCity: '' },
  // Off until the shop says its scales print labels: a 2x code then stays a plain product code.
  scaleBarcodes: {
    enabled: false,
    prefixes: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
    templates: [SCALE_PRESETS.ean13Price, SCALE_PRESETS.cn18],
  },
  printer: DEFAULT_PRINTER_SETTINGS,
  scannerSerial: null,
  staffRules: { autoLockMinutes: 5, discountLimitPercent: 10 },
  riskRules: RiskRules.parse({}),
  // 05:00: a cafe open past midnight keeps one day. Saved settings without it read this default (readSettings).
  businessDayStartHour: DEFAULT_START_HOUR,
};

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[];

/** Saved values that no longer validate (an older build, a hand edit) fall back to the default. */
export function readSettings(repo: SettingsRepo): Settings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const key of KEYS) {
    const saved = Settings.shape[key].safeParse(repo.get(key));
    if (saved.success) out[key] = saved.data;
  }
  return out as Settings;
}

/** Writes the given keys; returns the names of those whose value changed. */
export function writeSettings(repo: SettingsRepo, patch: Partial<Settings>): (keyof Settings)[] {
  const current = readSettings(repo);
  const changed: (keyof Settings)[] = [];
  for (const key of KEYS) {
    const value = patch[key];
    if (value === undefined) continue;
    // Objects (limits, bank QR) compare by content.
    if (JSON.stringify(value) !== JSON.stringify(current[key])) changed.push(key);
    repo.set(key, value);
  }
  return changed;
}

/**
 * The settings as the till uses them on every sale and display push: read and validated once, then kept
 * until they are written. Only this process writes the settings (the data folder is locked to it).
 */
export class ShopSettings {
  private current: Readonly<Settings> | undefined;

  constructor(private readonly repo: SettingsRepo) {}

  /** Frozen: every caller shares the one object. */
  get(): Readonly<Settings> {
    this.current ??= Object.freeze(readSettings(this.repo));
    return this.current;
  }

  /** Writes the given keys (inside the caller's transaction); returns the names of those that changed. */
  write(patch: Partial<Settings>): (keyof Settings)[] {
    this.forget();
    return writeSettings(this.repo, patch);
  }

  /** Drops the kept copy: after a write, whether its transaction committed or rolled back. */
  forget(): void {
    this.current = undefined;
  }
}
