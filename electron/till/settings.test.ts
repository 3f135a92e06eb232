import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill, tempDataDir } from './testing';

const tills: TestTill[] = [];
afterEach(() => {
  for (const t of tills.splice(0)) t.close();
});
function open(dataDir = tempDataDir()) {
  const t = openTestTill({ dataDir });
  tills.push(t);
  return t;
}

describe('settings', () => {
  it('start from the defaults', async () => {
    const t = open();
    expect(await t.call('settings.get', {})).toEqual({
      shopName: 'Tillpoint Demo Café',
      currency: 'CNY',
      language: 'auto',
      scanMaxGapMs: 30,
      scanPrefix: '',
      scanSuffix: '',
      scanMinLength: 4,
      displayThanksMs: 8000,
      payExpirySeconds: 120,
      payLimits: { qr: 500_000, payment_code: 500_000, bank_qr: 5_000_000 },
      paymentCodeWaitSeconds: 60,
      bankQr: { enabled: false, scheme: 'promptpay', account: '', guid: '', merchantName: '', merchantCity: '' },
      scaleBarcodes: {
        enabled: false,
        prefixes: [20, 21, 22, 23, 24, 25, 26, 27, 28, 29],
        templates: ['FFIIIIIPPPPPC', 'FFIIIIIWWWWWPPPPPC'],
      },
      printer: {
        uri: null,
        columns: 32,
        drawerPin: 'pin2',
        kickOnCash: true,
        header: '',
        footer: '',
        noReceiptDefault: false,
        retrySeconds: 120,
        drawerOpenSignal: 'off',
      },
      scannerSerial: null,
      staffRules: { autoLockMinutes: 5, discountLimitPercent: 10 },
      riskRules: {
        refundOverMinor: 20_000,
        refundsPerShift: 3,
        declinedPayments: 3,
        declinedWindowMinutes: 10,
        off: [],
      },
      businessDayStartHour: 5,
    });
  });

  it('are updated in part, pushed, journaled and kept across a restart', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir);
    const pushed = t.next('settings.changed');
    const updated = await t.call('settings.update', { language: 'en', scanMaxGapMs: 40 });
    expect(updated).toMatchObject({ language: 'en', scanMaxGapMs: 40, shopName: 'Tillpoint Demo Café' });
    expect(await pushed).toEqual(updated);
    expect(t.db.prepare("SELECT count(*) FROM journal WHERE kind = 'settings.changed'").pluck().get()).toBe(1);
    t.close();
    expect(await open(dataDir).call('settings.get', {})).toEqual(updated);
  });

  it('are left as they were by an update that fails', async () => {
    const t = open();
    const before = await t.call('settings.update', { shopName: 'Corner Café' });
    t.db.exec("CREATE TEMP TRIGGER fail_journal BEFORE INSERT ON journal BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    await expect(t.call('settings.update', { shopName: 'Elsewhere', currency: 'USD' })).rejects.toThrow('disk full');
    expect(await t.call('settings.get', {})).toEqual(before);
    expect((await t.call('display.get', {})).shopName).toBe('Corner Café');
  });

  it('give an empty cart the new currency; a cart with lines keeps its own', async () => {
    const t = open();
    await t.call('settings.update', { currency: 'HKD' });
    expect((await t.call('cart.get', {})).currency).toBe('HKD');
    await t.call('cart.scan', { barcode: '2000001000007' });
    await t.call('settings.update', { currency: 'USD' });
    expect((await t.call('cart.get', {})).currency).toBe('HKD');
    await t.call('cart.void', {});
    expect((await t.call('cart.get', {})).currency).toBe('USD');
  });
});

describe('app.info', () => {
  it('names the app, its mode and data folder, a till id kept across restarts, and demo data', async () => {
    const dataDir = tempDataDir();
    const t = open(dataDir);
    const info = await t.call('app.info', {});
    expect(info).toEqual({
      name: 'Tillpoint',
      version: 'test',
      mode: 'host',
      isDemoData: true,
      dataDir,
      tillId: 'T1',
      utcOffsetMinutes: -new Date().getTimezoneOffset(),
    });
    expect(t.db.prepare("SELECT value FROM settings WHERE key = 'till.installId'").pluck().get()).toMatch(
      /^"[0-9a-f]{16}"$/,
    );
    t.close();
    expect((await open(dataDir).call('app.info', {})).tillId).toBe('T1');
  });
});
