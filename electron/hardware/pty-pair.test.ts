import fs from 'node:fs';
import { SerialPort } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { openPtyPair, type PtyPair } from './pty-pair';

describe('pseudo-terminal pair (the serial tests stand on it)', () => {
  let pair: PtyPair | undefined;
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  it('carries bytes written by serialport on one end to a reader of the other end', async () => {
    pair = await openPtyPair();
    const device = new SerialPort({ path: pair.device, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => device.open((err) => (err ? reject(err) : resolve())));
    const got = new Promise<Buffer>((resolve) => device.once('data', resolve));
    const fd = fs.openSync(pair.till, 'w');
    fs.writeSync(fd, Buffer.from([0x1b, 0x40, 0x41]));
    fs.closeSync(fd);
    expect([...(await got)]).toEqual([0x1b, 0x40, 0x41]);
    await new Promise<void>((resolve) => device.close(() => resolve()));
  });

  it('removes its ends when closed', async () => {
    pair = await openPtyPair();
    const { till } = pair;
    expect(fs.existsSync(till)).toBe(true);
    await pair.close();
    pair = undefined;
    expect(fs.existsSync(till)).toBe(false);
  });
});
