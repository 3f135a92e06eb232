// A serial printer through a socat pseudo-terminal pair: the till (a host started with --printer serial:…)
// prints a cash sale's receipt and the bytes arrive at the device end; Settings says in words that this
// machine cannot list serial ports (no udevadm here) and still takes a typed port.
import { SerialPort } from 'serialport';
import { openPtyPair } from '../electron/hardware/pty-pair';
import { indexOfBytes, readEscPos } from '../electron/printing/testing';
import { CashierPage, DEMO, expect, startTestHost, test } from './fixtures';
import { LOOPBACK_PAY_ARGS } from './host';

test('a cash sale prints to a serial printer, and Settings says why serial ports are not listed', async ({ page }) => {
  const pair = await openPtyPair();
  const device = new SerialPort({ path: pair.device, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => device.open((err) => (err ? reject(err) : resolve())));
  const got: number[] = [];
  device.on('data', (chunk: Buffer) => got.push(...chunk));
  const uri = `serial:${pair.till}?baud=9600`;
  const host = await startTestHost({ args: [...LOOPBACK_PAY_ARGS, '--printer', uri] });
  try {
    const cashier = new CashierPage(page, host.url);
    await cashier.goto();
    await cashier.scanAndSee(DEMO.americano.barcode);
    await cashier.payCash('20');

    // The till asked for the status first (DLE EOT, unanswered here: "unknown", which never stops printing);
    // the receipt starts at ESC @ and ends with the cut.
    const receipt = () => {
      const at = indexOfBytes(Uint8Array.from(got), [0x1b, 0x40]);
      return at < 0 ? null : Uint8Array.from(got.slice(at));
    };
    await expect
      .poll(() => {
        try {
          const bytes = receipt();
          return bytes && readEscPos(bytes).commands.at(-1)?.op;
        } catch {
          return null; // half a receipt so far
        }
      })
      .toBe('cut');
    const read = readEscPos(receipt()!);
    expect(read.commands[0]).toEqual({ op: 'init' });
    expect(read.lines.some((l) => l.includes('美式咖啡'))).toBe(true);
    expect(read.commands.filter((c) => c.op === 'kick')).toHaveLength(1);

    await cashier.newSale();
    await page.getByTestId('settings-button').click();
    const serial = page.getByTestId('printer-targets-serial-why');
    await expect(serial).toContainText('Cannot list serial ports here');
    await expect(page.getByTestId('printer-targets-win-why')).toHaveText(
      'Windows printers are listed on Windows only.',
    );
    await expect(page.getByTestId('printer-uri')).toHaveValue('');
    // The typed port is taken, and the speed picker rewrites its baud.
    await page.getByTestId('printer-uri').fill('serial:/dev/ttyS0?baud=9600');
    await page.getByTestId('printer-baud').selectOption('115200');
    await expect(page.getByTestId('printer-uri')).toHaveValue('serial:/dev/ttyS0?baud=115200');
  } finally {
    await host.stop();
    await new Promise<void>((resolve) => device.close(() => resolve()));
    await pair.close();
  }
});
