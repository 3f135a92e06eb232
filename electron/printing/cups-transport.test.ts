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

/**
 * A folder with fake lp, lpstat and cancel scripts; `env` puts it first on PATH. The queue is a file: `stuck`
 * makes lp leave its job there (a printer that is off), `lpstat -o` lists it, `cancel` takes a job out.
 */
function fakeCups(
  o: { lpFails?: boolean; lpstat?: string; queued?: string; stuck?: boolean; cancelFails?: boolean } = {},
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-cups-'));
  dirs.push(dir);
  const rec = (name: string) => path.join(dir, name);
  fs.writeFileSync(rec('queue'), o.queued ? `${o.queued}\n` : '');
  const lp = o.lpFails
    ? `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('argv')}'\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n`
    : `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('argv')}'\ncat > '${rec('stdin')}'\n` +
      (o.stuck ? `echo 'Q-1 till 1024 Fri 04 Dec 2026' >> '${rec('queue')}'\n` : '') +
      `echo 'request id is Q-1 (1 file(s))'\n`;
  fs.writeFileSync(rec('lp'), lp, { mode: 0o755 });
  fs.writeFileSync(
    rec('lpstat'),
    `#!/bin/sh\nif [ "$1" = "-o" ]; then cat '${rec('queue')}'; exit 0; fi\n` +
      `printf '%s\\0' "$@" > '${rec('lpstat-argv')}'\nprintf '%s\\n' '${o.lpstat ?? ''}'\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(
    rec('cancel'),
    `#!/bin/sh\nprintf '%s\\0' "$@" > '${rec('cancel-argv')}'\n` +
      (o.cancelFails
        ? `echo 'cancel: job is printing' >&2\nexit 1\n`
        : `grep -v "^$1 " '${rec('queue')}' > '${rec('queue.new')}'; mv '${rec('queue.new')}' '${rec('queue')}'\n`),
    { mode: 0o755 },
  );
  const argv = (file = 'argv') => fs.readFileSync(rec(file), 'utf8').split('\0').slice(0, -1);
  return {
    env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
    argv,
    ran: (file: string) => fs.existsSync(rec(file)),
    queue: () => fs.readFileSync(rec('queue'), 'utf8'),
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

  it('hands nothing to a queue that already holds jobs or is disabled: the receipt waits in the till', async () => {
    const busy = fakeCups({ queued: 'POS_80-7 till 1024 Fri 04 Dec 2026' });
    const err = await transportFor('cups:POS_80', { env: busy.env })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toBe('cups:POS_80: 1 job(s) already waiting in the queue');
    expect(busy.ran('argv')).toBe(false);

    const disabled = fakeCups({ lpstat: 'printer POS_80 disabled since Mon 01 Jan - Paused' });
    const off = await transportFor('cups:POS_80', { env: disabled.env })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(off).toBeInstanceOf(NothingSentError);
    expect((off as Error).message).toMatch(/disabled/);
    expect(disabled.ran('argv')).toBe(false);
  });

  it('takes back a receipt the printer does not take off the queue in time, so it never prints later by itself', async () => {
    const cups = fakeCups({ stuck: true });
    let marked = false;
    const err = await transportFor('cups:POS_80', { env: cups.env, spoolWaitMs: 300 })
      .send(new Uint8Array([0x1b, 0x40]), () => (marked = true))
      .catch((e: unknown) => e);
    expect(marked).toBe(true);
    expect(err).toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toBe(
      'cups:POS_80: the printer did not take the receipt within 300 ms; it was taken back from the queue',
    );
    expect(cups.argv('cancel-argv')).toEqual(['Q-1']);
    expect(cups.queue()).toBe('');
  });

  it('says it may have printed when a waiting receipt cannot be taken back', async () => {
    const cups = fakeCups({ stuck: true, cancelFails: true });
    const err = await transportFor('cups:POS_80', { env: cups.env, spoolWaitMs: 300 })
      .send(new Uint8Array([0x1b, 0x40]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(NothingSentError);
    expect((err as Error).message).toMatch(/could not be taken back/);
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
