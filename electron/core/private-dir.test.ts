import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database';
import { makePrivateDir, touchPrivateFile } from './private-dir';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const made: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-private-'));
  made.push(d);
  return d;
}
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Every file and folder below `dir` (itself included) with its mode, links left out. */
function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir).toString(8) };
  for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const p = path.join(dir, entry);
    if (!fs.lstatSync(p).isSymbolicLink()) out[entry] = mode(p).toString(8);
  }
  return out;
}

// Windows keeps %APPDATA% private through ACLs; file modes there are not POSIX modes.
describe.runIf(process.platform !== 'win32')('the private data folder', () => {
  it('creates a new folder, and its missing parents, readable by this user only', () => {
    const dir = path.join(tempDir(), 'config', 'Tillpoint');
    makePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.dirname(dir))).toBe(0o700);
  });

  it('makes an existing install private: the folder 0700, every file 0600, subfolders too', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    for (const f of ['tillpoint.db', 'tillpoint.db-wal', 'tillpoint.db-shm', 'tillpoint.lock']) {
      fs.writeFileSync(path.join(dir, f), 'x', { mode: 0o644 });
    }
    fs.mkdirSync(path.join(dir, 'gateway'), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'gateway', 'state.json'), '{}', { mode: 0o666 });
    makePrivateDir(dir);
    expect(modes(dir)).toEqual({
      '.': '700',
      'tillpoint.db': '600',
      'tillpoint.db-wal': '600',
      'tillpoint.db-shm': '600',
      'tillpoint.lock': '600',
      gateway: '700',
      'gateway/state.json': '600',
    });
  });

  it('leaves what a link in the folder points at alone', () => {
    const dir = tempDir();
    const outside = path.join(tempDir(), 'shared.txt');
    fs.writeFileSync(outside, 'x', { mode: 0o644 });
    fs.symlinkSync(outside, path.join(dir, 'link'));
    makePrivateDir(dir);
    expect(mode(outside)).toBe(0o644);
  });

  it('creates a private file, and makes an existing one private', () => {
    const dir = tempDir();
    touchPrivateFile(path.join(dir, 'new'));
    fs.writeFileSync(path.join(dir, 'old'), 'kept', { mode: 0o644 });
    touchPrivateFile(path.join(dir, 'old'));
    expect([mode(path.join(dir, 'new')), mode(path.join(dir, 'old'))]).toEqual([0o600, 0o600]);
    expect(fs.readFileSync(path.join(dir, 'old'), 'utf8')).toBe('kept');
  });

  it("gives the database and SQLite's -wal and -shm files 0600, whatever the umask", () => {
    const dir = tempDir();
    const before = process.umask(0o022);
    try {
      const db = openDatabase(path.join(dir, 'tillpoint.db'));
      db.prepare("INSERT INTO settings (key, value) VALUES ('shopName', '\"Corner\"')").run();
      expect(modes(dir)).toEqual({
        '.': '700',
        'tillpoint.db': '600',
        'tillpoint.db-wal': '600',
        'tillpoint.db-shm': '600',
      });
      db.close();
    } finally {
      process.umask(before);
    }
  });
});
