import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ScanFraming, ScanLineSplitter, type ScannerState } from '../../shared/scanner';
import { openPtyPair, type PtyPair } from './pty-pair';
import { SerialScanner } from './serial-scanner';

const plain: ScanFraming = { prefix: '', suffix: '', minLength: 4 };

describe('ScanLineSplitter', () => {
  const split = (chunks: string[], framing = plain) => {
    const s = new ScanLineSplitter(() => framing);
    return chunks.flatMap((c) => s.feed(c));
  };

  it('ends a code on CR, LF or CRLF and ignores the empty lines between', () => {
    expect(split(['6901234567892\r'])).toEqual(['6901234567892']);
    expect(split(['6901234567892\n'])).toEqual(['6901234567892']);
    expect(split(['6901234567892\r\n4006381333931\r\n'])).toEqual(['6901234567892', '4006381333931']);
    expect(split(['\r\n\r\n\n'])).toEqual([]);
  });

  it('joins a code split across chunks, the CR and LF too', () => {
    expect(split(['6901', '2345', '67892\r', '\n4006381', '333931\r'])).toEqual(['6901234567892', '4006381333931']);
  });

  it('strips the configured prefix and suffix', () => {
    const framing = { prefix: '#', suffix: '$', minLength: 4 };
    expect(split(['#6901234567892$\r\n'], framing)).toEqual(['6901234567892']);
    // A scanner set without them still reads.
    expect(split(['6901234567892\r'], framing)).toEqual(['6901234567892']);
  });

  it('drops codes shorter than the minimum and runs longer than 64 characters', () => {
    expect(split(['123\r1234\r'])).toEqual(['1234']);
    expect(split([`${'7'.repeat(65)}\r`])).toEqual([]);
    expect(split([`${'7'.repeat(64)}\r`])).toEqual(['7'.repeat(64)]);
    // Noise with no end at all is dropped up to the next line end; the code after it reads.
    expect(split(['8'.repeat(500), '\r6901234567892\r'])).toEqual(['6901234567892']);
  });

  it('refuses control bytes inside a code', () => {
    expect(split(['6901\x002345\r'])).toEqual([]);
  });
});

describe('SerialScanner on a pseudo-terminal', () => {
  const pairs: PtyPair[] = [];
  let scanner: SerialScanner | undefined;
  afterEach(async () => {
    await scanner?.close();
    scanner = undefined;
    for (const p of pairs.splice(0)) await p.close();
  });

  /** Collects codes and states; `next` resolves with the next one of a kind. */
  function recorder() {
    const codes: string[] = [];
    const states: ScannerState[] = [];
    const waiters: (() => void)[] = [];
    const poke = () => {
      for (const w of waiters.splice(0)) w();
    };
    const until = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (ok() ? resolve() : waiters.push(check));
        check();
      });
    return {
      codes,
      states,
      onCode: (c: string) => {
        codes.push(c);
        poke();
      },
      onState: (s: ScannerState) => {
        states.push(s);
        poke();
      },
      codesReach: (n: number) => until(() => codes.length >= n),
      stateIs: (s: ScannerState) => until(() => states.at(-1) === s),
    };
  }

  function write(devicePath: string, bytes: string): void {
    const fd = fs.openSync(devicePath, 'w');
    fs.writeSync(fd, Buffer.from(bytes, 'latin1'));
    fs.closeSync(fd);
  }

  it('reads "6901234567892\\r" as one code, then CRLF and a split code', async () => {
    const pair = await openPtyPair();
    pairs.push(pair);
    const rec = recorder();
    scanner = new SerialScanner({
      target: { path: pair.till, baud: 9600 },
      framing: () => ({ prefix: 'S', suffix: '', minLength: 4 }),
      onCode: rec.onCode,
      onState: rec.onState,
    });
    scanner.start();
    await rec.stateIs('connected');
    write(pair.device, '6901234567892\r');
    await rec.codesReach(1);
    write(pair.device, '12\r\nS4006381');
    write(pair.device, '333931\r\n');
    await rec.codesReach(2);
    expect(rec.codes).toEqual(['6901234567892', '4006381333931']);
  });

  it('says not_found while the port is missing, and reads once it comes back; again after it vanishes', async () => {
    // The till opens a fixed name; the test points it at each new pty pair, as replugging a USB scanner does.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-scanner-'));
    const link = path.join(dir, 'ttyUSB1');
    const rec = recorder();
    scanner = new SerialScanner({
      target: { path: link, baud: 9600 },
      framing: () => plain,
      onCode: rec.onCode,
      onState: rec.onState,
      retryFirstMs: 20,
      retryMaxMs: 100,
      watchMs: 50,
    });
    try {
      scanner.start();
      await rec.stateIs('not_found');

      const first = await openPtyPair();
      pairs.push(first);
      fs.symlinkSync(first.till, link);
      await rec.stateIs('connected');
      write(first.device, '6901234567892\r');
      await rec.codesReach(1);

      // Unplugged: the device end goes away.
      fs.unlinkSync(link);
      await first.close();
      pairs.splice(pairs.indexOf(first), 1);
      await rec.stateIs('not_found');

      const second = await openPtyPair();
      pairs.push(second);
      fs.symlinkSync(second.till, link);
      await rec.stateIs('connected');
      write(second.device, '4006381333931\r');
      await rec.codesReach(2);
      expect(rec.codes).toEqual(['6901234567892', '4006381333931']);
      expect(rec.states).toEqual(['not_found', 'connected', 'not_found', 'connected']);
    } finally {
      await scanner.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
