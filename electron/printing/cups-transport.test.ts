// cups: with a fake `lp` and `lpstat` first on PATH (through the transport's env option): they record their
// arguments and input, so the test sees the exact lp call and the bytes it was given.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../till/testing';
import { CupsTransport } from './cups-transport';
import { NothingSentError, transportFor } from './transport';

const dirs: string[] = [];
const tills: TestTill[] = [];
afterEach(async () => {
  for (const t of tills.splice(0)) await t.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A folder with fake lp and lpstat scripts; `env` puts it first on PATH. */
function fakeCups(o: { lpFails?: boolean; lpstat?: string } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-cups-'));
  dirs.push(dir);
  const rec = (name: string) => path.join(dir, name);
  const lp = o.lpFails
    ? `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('argv')}'\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n`
    : `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('argv')}'\ncat > '${rec('stdin')}'\necho 'request id is Q-1 (1 file(s))'\n`;
  fs.writeFileSync(rec('lp'), lp, { mode: 0o755 });
  fs.writeFileSync(
    rec('lpstat'),
    `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('lpstat-argv')}'\nprintf '%s\\n' '${o.lpstat ?? ''}'\n`,
    { mode: 0o755 },
  );
  const argv = (file = 'argv') => fs.readFileSync(rec(file), 'utf8').split('\0').slice(0, -1);
  return {
    env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    argv,
    stdin: () => fs.readFileSync(rec('stdin')),
  };
}

describe('cups: printers', () => {
  it('runs `lp -d QUEUE -o raw` with the bytes byte-exact on stdin', async () => {
    const cups = fakeCups();
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 13) & 0xff);
    const t = transportFor('cups:POS_80', { env: cups.env });
    expect(t).toBeInstanceOf(CupsTransport);
    let marked = false;
    await t.send(bytes, () => (marked = true));
    expect(marked).toBe(true);
    expect(cups.argv()).toEqual(['-d', 'POS_80', '-o', 'raw']);
    expect(cups.stdin().equals(Buffer.from(bytes))).toBe(true);
  });

  it("says why when lp refuses the job (lp's words), as NothingSentError", async () => {
    const cups = fakeCups({ lpFails: true });
    const err = await transportFor('cups:NOPE', { env: cups.env })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toBe('cups:NOPE: lp: The printer or class does not exist.');
  });

  it('is NothingSentError when there is no lp at all', async () => {
    const err = await transportFor('cups:Q', { env: { PATH: os.tmpdir() } })
      .send(new Uint8Array([1]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toMatch(/lp could not run.*ENOENT/);
  });

  it('reads a disabled queue from `lpstat -p QUEUE` as offline in its words, anything else as unknown', async () => {
    const disabled = fakeCups({ lpstat: 'printer POS_80 disabled since Mon 01 Jan - Paused' });
    expect(await transportFor('cups:POS_80', { env: disabled.env }).status()).toEqual({
      state: 'offline',
      paperNearEnd: false,
      detail: 'printer POS_80 disabled since Mon 01 Jan - Paused',
    });
    expect(disabled.argv('lpstat-argv')).toEqual(['-p', 'POS_80']);
    const idle = fakeCups({ lpstat: 'printer POS_80 is idle.  enabled since Mon 01 Jan' });
    expect(await transportFor('cups:POS_80', { env: idle.env }).status()).toMatchObject({ state: 'unknown' });
    expect(await transportFor('cups:POS_80', { env: { PATH: os.tmpdir() } }).status()).toMatchObject({
      state: 'unknown',
    });
  });

  it('keeps a sale receipt pending when lp refuses it, with the reason as the printer status', async () => {
    const cups = fakeCups({ lpFails: true });
    const t = openTestTill({
      printing: {
        printerUri: 'cups:NOPE',
        transport: { env: cups.env },
        retryFirstMs: 60_000,
        statusEveryMs: 0,
      },
    });
    tills.push(t);
    await t.call('cart.scan', { barcode: '2000001000007' });
    await t.call('checkout.cash', { tenderedMinor: 2000 });
    await new Promise((r) => setImmediate(r));
    await t.printing.worker.idle();
    const jobs = t.db.prepare('SELECT status, attempts, last_error, sent_at FROM print_jobs').all();
    expect(jobs).toEqual([
      {
        status: 'pending',
        attempts: 1,
        last_error: 'cups:NOPE: lp: The printer or class does not exist.',
        sent_at: null,
      },
    ]);
    expect(await t.call('printer.status', {})).toMatchObject({
      state: 'offline',
      pending: 1,
      detail: 'cups:NOPE: lp: The printer or class does not exist.',
    });
  });
});
