// win: with a fake powershell (a Node script) that records the script it reads on stdin, the printer name it
// decodes from the environment and the bytes of the file it is pointed at. NOT RUN ON WINDOWS HERE: the real
// winspool.drv path is only checked for what it hands PowerShell.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../till/testing';
import { NothingSentError, transportFor } from './transport';
import { WIN_NOTHING_SENT, WinTransport } from './win-transport';

const dirs: string[] = [];
const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function fakePowershell(exit = 0, stderr = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-ps-'));
  dirs.push(dir);
  const rec = (name: string) => path.join(dir, name);
  const exe = rec('powershell.js');
  fs.writeFileSync(
    exe,
    `#!${process.execPath}
const fs = require('node:fs');
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  fs.writeFileSync(${JSON.stringify(rec('argv.json'))}, JSON.stringify(process.argv.slice(2)));
  fs.writeFileSync(${JSON.stringify(rec('script.ps1'))}, Buffer.concat(chunks));
  fs.writeFileSync(${JSON.stringify(rec('name.txt'))}, Buffer.from(process.env.TILLPOINT_PRINTER_B64, 'base64'));
  fs.writeFileSync(${JSON.stringify(rec('file.txt'))}, process.env.TILLPOINT_PRINT_FILE);
  fs.copyFileSync(process.env.TILLPOINT_PRINT_FILE, ${JSON.stringify(rec('bytes.bin'))});
  if (${JSON.stringify(stderr)}) process.stderr.write(${JSON.stringify(stderr)});
  process.exit(${exit});
});
`,
    { mode: 0o755 },
  );
  return {
    exe,
    argv: () => JSON.parse(fs.readFileSync(rec('argv.json'), 'utf8')) as string[],
    script: () => fs.readFileSync(rec('script.ps1'), 'utf8'),
    name: () => fs.readFileSync(rec('name.txt'), 'utf8'),
    file: () => fs.readFileSync(rec('file.txt'), 'utf8'),
    bytes: () => fs.readFileSync(rec('bytes.bin')),
  };
}

describe('win: printers (fake PowerShell; not run on Windows here)', () => {
  it('hands PowerShell a RAW spooler script, the name intact and the bytes byte-exact, and removes the file', async () => {
    const ps = fakePowershell();
    const name = '前台 "POS-80" $(whoami) \'; exit 1';
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);
    const t = transportFor(`win:${name}`, { powershell: ps.exe });
    expect(t).toBeInstanceOf(WinTransport);
    let marked = false;
    await t.send(bytes, () => (marked = true));
    expect(marked).toBe(true);
    expect(ps.argv()).toEqual(['-NoProfile', '-NonInteractive', '-Command', '-']);
    const script = ps.script();
    expect(script).toContain("'RAW'");
    expect(script).toContain('$env:TILLPOINT_PRINTER_B64');
    // The C# that calls winspool.drv travels base64-encoded inside the script.
    const cs = Buffer.from(/FromBase64String\('([A-Za-z0-9+/=]+)'\)/.exec(script)![1], 'base64').toString('utf8');
    for (const call of ['OpenPrinterW', 'StartDocPrinterW', 'StartPagePrinter', 'WritePrinter', 'EndPagePrinter']) {
      expect(cs).toContain(call);
    }
    expect(cs).toContain('EndDocPrinter');
    expect(cs).toContain('ClosePrinter');
    // Only an empty queue of a printer that is not offline takes a receipt, and one the printer does not take in
    // time is removed from the queue, so the spooler never prints old receipts (and kicks) by itself later.
    expect(script).toMatch(/Get-Printer -Name \$name.*JobCount -gt 0.*exit 10/);
    expect(script).toMatch(/WorkOffline.*'PaperOut'.*'Offline'.*exit 10/);
    expect(script).toContain('Get-PrintJob -PrinterName $name -ID $job');
    expect(script).toMatch(/Remove-PrintJob.*\$code = 10/);
    // Nothing the shop typed is in the script text.
    expect(script).not.toContain('POS-80');
    expect(ps.name()).toBe(name);
    expect(ps.bytes().equals(Buffer.from(bytes))).toBe(true);
    expect(path.dirname(path.dirname(ps.file()))).toBe(os.tmpdir());
    expect(fs.existsSync(ps.file())).toBe(false);
  });

  it('is NothingSentError when OpenPrinter fails, with its words', async () => {
    const ps = fakePowershell(WIN_NOTHING_SENT, 'OpenPrinter: The printer name is invalid.');
    const err = await transportFor('win:NOPE', { powershell: ps.exe })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toBe('win:NOPE: OpenPrinter: The printer name is invalid.');
    expect(fs.existsSync(ps.file())).toBe(false);
  });

  it('is a plain error (may have printed) when writing failed after the document started', async () => {
    const ps = fakePowershell(11, 'WritePrinter: The device is not ready.');
    const err = await transportFor('win:POS', { powershell: ps.exe })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NothingSentError);
  });

  it('is NothingSentError when PowerShell is not there', async () => {
    const err = await transportFor('win:POS', { powershell: path.join(os.tmpdir(), 'no-such-powershell.exe') })
      .send(new Uint8Array([1]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
  });

  it('keeps a receipt pending, tried once and the header saying why, when no temporary file can be made', async () => {
    const ps = fakePowershell();
    const t = openTestTill({
      printing: { printerUri: 'win:POS', transport: { powershell: ps.exe }, retryFirstMs: 60_000, statusEveryMs: 0 },
    });
    tills.push(t);
    await t.call('cart.scan', { barcode: '2000001000007' });
    const tmp = process.env.TMPDIR;
    // A full disk or an unwritable %TEMP%: os.tmpdir() reads TMPDIR on each call.
    process.env.TMPDIR = path.join(os.tmpdir(), 'tillpoint-no-such-dir', 'deeper');
    try {
      await t.call('checkout.cash', { tenderedMinor: 2000 });
      await new Promise((r) => setImmediate(r));
      await t.printing.worker.idle();
    } finally {
      if (tmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmp;
    }
    expect(t.db.prepare('SELECT status, attempts, sent_at FROM print_jobs').all()).toEqual([
      { status: 'pending', attempts: 1, sent_at: null },
    ]);
    expect(await t.call('printer.status', {})).toMatchObject({
      state: 'offline',
      pending: 1,
      detail: expect.stringMatching(/^win:POS: no temporary file for the receipt/),
    });
  });
});
