// The till's serial scanner: the setting (or --scanner) opens the port, codes become `scanner.scan` events
// framed by the shop's scan settings, and its state is pushed and asked for.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ArgsError, parseArgs } from '../core/args';
import { openPtyPair, type PtyPair } from '../hardware/pty-pair';
import { openTestTill, type TestTill } from './testing';

describe('the till serial scanner', () => {
  let till: TestTill | undefined;
  let pair: PtyPair | undefined;
  afterEach(async () => {
    await till?.close();
    await pair?.close();
    till = pair = undefined;
  });

  function write(device: string, text: string): void {
    const fd = fs.openSync(device, 'w');
    fs.writeSync(fd, text);
    fs.closeSync(fd);
  }

  it('opens the port set in Settings and pushes each code, framed by the scan settings', async () => {
    pair = await openPtyPair();
    till = openTestTill();
    await till.start();
    expect(await till.call('scanner.status', {})).toMatchObject({ state: 'none', uri: null });
    const connected = till.next('scanner.status', (s) => s.state === 'connected');
    await till.call('settings.update', { scannerSerial: `serial:${pair.till}?baud=9600`, scanPrefix: '#' });
    expect(await connected).toMatchObject({ uri: `serial:${pair.till}?baud=9600`, detail: null });
    const scanned = till.next('scanner.scan');
    write(pair.device, '12\r#6901234567892\r\n');
    const scan = await scanned;
    expect(scan).toEqual({ scanId: expect.any(Number), barcode: '6901234567892' });
    expect(till.events.filter((e) => e.event === 'scanner.scan')).toHaveLength(1);
    // Two cashier pages open: the first to claim the scan adds it, the other leaves it.
    expect(await till.call('scanner.claim', { scanId: scan.scanId })).toEqual({ claimed: true });
    expect(await till.call('scanner.claim', { scanId: scan.scanId })).toEqual({ claimed: false });
    expect(await till.call('scanner.claim', { scanId: scan.scanId + 1 })).toEqual({ claimed: false });

    const off = till.next('scanner.status', (s) => s.state === 'none');
    await till.call('settings.update', { scannerSerial: null });
    await off;
  });

  it('says not_found for a port that is not there, and refuses a URI that is not serial:', async () => {
    const missing = 'serial:/dev/tillpoint-no-such-port?baud=9600';
    till = openTestTill({ scanner: { scannerUri: missing, retryFirstMs: 10_000 } });
    const notFound = till.next('scanner.status', (s) => s.state === 'not_found');
    await till.start();
    expect(await notFound).toMatchObject({ uri: missing });
    expect(await till.call('scanner.status', {})).toMatchObject({ state: 'not_found' });
    await expect(till.call('settings.update', { scannerSerial: 'tcp://127.0.0.1:9100' })).rejects.toThrow();
  });

  it('takes --scanner serial:PORT and refuses anything else', () => {
    expect(parseArgs(['--scanner', 'serial:/dev/ttyUSB1?baud=9600']).scanner).toBe('serial:/dev/ttyUSB1?baud=9600');
    expect(parseArgs(['--scanner=serial:COM4?baud=9600']).scanner).toBe('serial:COM4?baud=9600');
    expect(() => parseArgs(['--scanner', 'tcp://127.0.0.1:9100'])).toThrow(ArgsError);
    expect(() => parseArgs(['--scanner', 'serial:?baud=9600'])).toThrow(ArgsError);
  });
});
