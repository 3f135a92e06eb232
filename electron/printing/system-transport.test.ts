// system: with a fake SystemPrinter (the desktop app's silent print): the worker hands it the receipt's HTML,
// never ESC/POS, and a system: sale stores no drawer kick.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, refusal, type TestTill } from '../till/testing';
import { SystemTransport } from './system-transport';
import { NothingSentError, type SystemPrinter, transportFor } from './transport';

const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
});

function fakeSystemPrinter(names = ['POS-80 系统']) {
  const printed: { html: string; deviceName: string }[] = [];
  let fail: string | null = null;
  const printer: SystemPrinter = {
    async print(html, deviceName) {
      if (fail) throw new Error(fail);
      printed.push({ html, deviceName });
    },
    async list() {
      return names;
    },
  };
  return { printer, printed, failWith: (why: string | null) => (fail = why) };
}

async function settle(t: TestTill) {
  await new Promise((r) => setImmediate(r));
  await t.printing.worker.idle();
}

describe('system: printers', () => {
  it('prints a cash sale as the receipt HTML on the named printer, with no drawer kick stored', async () => {
    const sys = fakeSystemPrinter();
    const t = openTestTill({
      printing: { printerUri: 'system:POS-80 系统', transport: { systemPrinter: sys.printer }, statusEveryMs: 0 },
    });
    tills.push(t);
    await t.call('cart.scan', { barcode: '2000001000007' });
    await t.call('checkout.cash', { tenderedMinor: 2000 });
    await settle(t);
    expect(sys.printed).toHaveLength(1);
    expect(sys.printed[0].deviceName).toBe('POS-80 系统');
    expect(sys.printed[0].html).toMatch(/^<!doctype html>/);
    expect(sys.printed[0].html).toContain('<span class="w">美</span><span class="w">式</span>');
    expect(t.db.prepare('SELECT kind, status, kick FROM print_jobs').all()).toEqual([
      { kind: 'sale', status: 'done', kick: 0 },
    ]);
    expect(await t.call('printer.status', { refresh: true })).toMatchObject({ state: 'unknown' });
  });

  it('keeps the job pending when the OS refuses the print', async () => {
    const sys = fakeSystemPrinter();
    sys.failWith('Invalid deviceName provided');
    const t = openTestTill({
      printing: {
        printerUri: 'system:POS-80 系统',
        transport: { systemPrinter: sys.printer },
        statusEveryMs: 0,
        retryFirstMs: 60_000,
      },
    });
    tills.push(t);
    await t.call('cart.scan', { barcode: '2000001000007' });
    await t.call('checkout.cash', { tenderedMinor: 2000 });
    await settle(t);
    expect(t.db.prepare('SELECT status, last_error FROM print_jobs').all()).toEqual([
      { status: 'pending', last_error: 'system:POS-80 系统: Invalid deviceName provided' },
    ]);
  });

  it('cannot open a drawer, and a printer the OS does not list is offline', async () => {
    const sys = fakeSystemPrinter(['Other']);
    const t = transportFor('system:POS-80', { systemPrinter: sys.printer });
    const err = await t.send(new Uint8Array([0x1b, 0x70, 0, 25, 250])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect(await t.status()).toMatchObject({ state: 'offline', detail: 'no system printer named "POS-80"' });
    const till = openTestTill({
      printing: { printerUri: 'system:Other', transport: { systemPrinter: sys.printer }, statusEveryMs: 0 },
    });
    tills.push(till);
    expect((await refusal(till.call('printer.openDrawer', {}))).code).toBe('PRINTER_OFFLINE');
    await till.call('printer.testPage', {});
    expect(sys.printed.at(-1)?.html).toContain('打印测试页 / Test page');
  });

  it('says a print that never reports back may have printed (not sent again by itself)', async () => {
    const never: SystemPrinter = { print: () => new Promise(() => {}), list: async () => ['POS'] };
    let marked = false;
    const err = await new SystemTransport('system:POS', 'POS', never, 50)
      .send(
        new Uint8Array(),
        () => (marked = true),
        () => '<p>receipt</p>',
      )
      .catch((e: unknown) => e);
    expect(marked).toBe(true);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toBe('system:POS: no answer from the print system within 50 ms');
  });
});
