// serial: through a socat pseudo-terminal pair: the test plays the printer on the device end.
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from '../hardware/pty-pair';
import { SerialTransport } from './serial-transport';
import { NothingSentError, transportFor } from './transport';

const pairs: PtyPair[] = [];
const devices: SerialPort[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await new Promise<void>((r) => (d.isOpen ? d.close(() => r()) : r()));
  for (const p of pairs.splice(0)) await p.close();
});

/** The printer's end of the cable: collects what arrives, and may answer DLE EOT. */
async function printerEnd(answer?: (n: number) => number | null) {
  const pair = await openPtyPair();
  pairs.push(pair);
  const device = new SerialPort({ path: pair.device, baudRate: 9600, autoOpen: false });
  devices.push(device);
  await new Promise<void>((resolve, reject) => device.open((err) => (err ? reject(err) : resolve())));
  const got: number[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  let scanned = 0;
  device.on('data', (chunk: Buffer) => {
    got.push(...chunk);
    // Answer each DLE EOT n (10 04 n) once all three bytes are in, however the pty split them.
    for (; answer && scanned + 2 < got.length; scanned++) {
      if (got[scanned] !== 0x10 || got[scanned + 1] !== 0x04) continue;
      const a = answer(got[scanned + 2]);
      if (a !== null) device.write(Buffer.from([a]));
      scanned += 2;
    }
    if (waiter && got.length >= waiter.n) waiter.resolve();
  });
  return {
    uri: `serial:${pair.till}?baud=9600`,
    got,
    received: (n: number) =>
      got.length >= n ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { n, resolve })),
  };
}

describe('serial: printers', () => {
  it('delivers a receipt byte-exact, marking it sent before the first byte', async () => {
    const p = await printerEnd();
    const bytes = new Uint8Array(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const order: string[] = [];
    const t = transportFor(p.uri);
    expect(t).toBeInstanceOf(SerialTransport);
    await t.send(bytes, () => order.push('marked'));
    order.push('sent');
    await p.received(bytes.length);
    expect(order).toEqual(['marked', 'sent']);
    expect(Buffer.from(p.got).equals(Buffer.from(bytes))).toBe(true);
  });

  it('reads "paper out" when the printer says so', async () => {
    // n=1: online; n=2: no error; n=4: paper end (bits 5-6), fixed bits 1 and 4 set.
    const p = await printerEnd((n) => (n === 4 ? 0x72 : 0x12));
    expect(await transportFor(p.uri).status()).toMatchObject({ state: 'paper_out' });
  });

  it('still prints to a printer that never answers DLE EOT, whose status is "unknown"', async () => {
    const p = await printerEnd(() => null);
    const t = transportFor(p.uri, { statusWindowMs: 100 });
    const status = await t.status();
    expect(status.state).toBe('unknown');
    // What the status request wrote is not part of the receipt.
    const before = p.got.length;
    await t.send(new Uint8Array([0x1b, 0x40, 0x41, 0x0a]));
    await p.received(before + 4);
    expect(p.got.slice(before)).toEqual([0x1b, 0x40, 0x41, 0x0a]);
  });

  it('lets a status check and a job take turns on the port instead of one failing to open it', async () => {
    const p = await printerEnd(() => null);
    const a = transportFor(p.uri, { statusWindowMs: 50 });
    const b = transportFor(p.uri, { statusWindowMs: 50 });
    const receipt = new Uint8Array([0x1b, 0x40, 0x42, 0x0a]);
    const [status] = await Promise.all([a.status(), b.send(receipt)]);
    expect(status.state).toBe('unknown');
    await p.received(3 + receipt.length);
    expect(p.got.slice(-receipt.length)).toEqual([...receipt]);
  });

  it('is NothingSentError with the OS reason for a missing port, and nothing is marked sent', async () => {
    let marked = false;
    const t = transportFor('serial:/dev/tillpoint-no-such-port?baud=9600');
    const err = await t.send(new Uint8Array([1, 2, 3]), () => (marked = true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toMatch(/tillpoint-no-such-port.*(ENOENT|No such file)/);
    expect(marked).toBe(false);
    expect(await t.status()).toMatchObject({ state: 'offline' });
  });
});
