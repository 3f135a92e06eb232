import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { journalCount, openTestTill, REPO_ROOT, type TestTill, tempDataDir } from '../till/testing';
import { main } from './reset-owner-pin';

const CODE = /[A-Z2-7]{4}(?:-[A-Z2-7]{4}){4}/;

/** A till whose owner PIN came from TILLPOINT_OWNER_PIN, closed again; returns its folder and recovery code. */
async function ownerFromEnv(pin: string): Promise<{ dataDir: string; code: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const dataDir = tempDataDir();
  const t = openTestTill({ dataDir, staff: 'none', env: { TILLPOINT_OWNER_PIN: pin } });
  await t.close();
  const code = log.mock.calls.map((c) => String(c[0]).match(CODE)?.[0]).find(Boolean)!;
  log.mockRestore();
  return { dataDir, code };
}

const open: TestTill[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function unlocks(dataDir: string, pin: string): Promise<boolean> {
  const t = openTestTill({ dataDir, staff: 'none' });
  open.push(t);
  return t.call('staff.unlock', { pin }).then(
    () => true,
    () => false,
  );
}

describe('npm run reset-owner-pin', () => {
  it('takes the recovery code once, sets the PIN, prints a new code and journals the reset', async () => {
    const { dataDir, code } = await ownerFromEnv('2468');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/reset-owner-pin.mjs'), ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });

    const ok = run('--data-dir', dataDir, '--code', code, '--pin', '8642');
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const next = ok.stdout.match(CODE)?.[0];
    expect(next).toBeDefined();
    expect(next).not.toBe(code);
    expect(ok.stdout).not.toContain('8642');

    // The code is spent.
    const again = run('--data-dir', dataDir, '--code', code, '--pin', '1111');
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('recovery code is wrong');

    expect(await unlocks(dataDir, '2468')).toBe(false);
    expect(await unlocks(dataDir, '8642')).toBe(true);
    expect(journalCount(open[0], 'staff.ownerPinReset')).toBe(1);
  });

  it('asks for the code and the PIN when they are not given', async () => {
    const { dataDir, code } = await ownerFromEnv('2468');
    const answers = [code, '97531'];
    const lines: string[] = [];
    const asked: string[] = [];
    const rc = await main(['--data-dir', dataDir], {
      ask: async (q) => {
        asked.push(q);
        return answers.shift()!;
      },
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
    });
    expect(rc).toBe(0);
    expect(asked).toEqual(['Recovery code: ', 'New owner PIN (4 to 6 digits): ']);
    expect(lines.join('\n')).toMatch(CODE);
    expect(await unlocks(dataDir, '97531')).toBe(true);
  });

  it('refuses a folder without till data, and a bad PIN', async () => {
    const io = { ask: async () => '', out: () => {}, err: vi.fn() };
    expect(await main(['--data-dir', tempDataDir()], io)).toBe(1);
    expect(io.err).toHaveBeenLastCalledWith(expect.stringContaining('No Tillpoint data'));
    const { dataDir, code } = await ownerFromEnv('2468');
    expect(await main(['--data-dir', dataDir, '--code', code, '--pin', '12'], io)).toBe(1);
    expect(io.err).toHaveBeenLastCalledWith(expect.stringContaining('4 to 6 digits'));
    expect(await unlocks(dataDir, '2468')).toBe(true);
  });
});
