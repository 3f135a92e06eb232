// `npm run verify-journal -- --data-dir D [--expect HEAD] [--key-file F ...]`: checks a data folder's journal
// chain and its completed orders, read only, with the key the host uses (its key file: --key-file or the
// default one outside the data folder; a test folder's own secret.key; and keys set aside beside them, for
// older segments). Prints the result in words; exit 0 when everything verified, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { defaultKeyFile, deriveFromKey, readKeyFile, SEALED_KEY_FILE, SECRET_KEY_FILE } from '../core/secrets';
import { DB_FILENAME } from '../db/database';
import { CHAIN_KEY_INFO } from '../db/journal-chain';
import { type VerifyReport, verifyJournal } from '../db/journal-verify';
import { schemaVersion } from '../db/migrations';

export const VERIFY_USAGE =
  'Usage: npm run verify-journal -- --data-dir <folder> [--expect <head: entry id or 16 hex digits>] [--key-file <file>]...';

interface Args {
  dataDir: string;
  expect?: string;
  keyFiles: string[];
}

function parse(argv: string[]): Args | string {
  const out: Partial<Args> & { keyFiles: string[] } = { keyFiles: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (!['--data-dir', '--expect', '--key-file'].includes(flag)) return `unknown option ${flag}`;
    if (value === undefined || value.startsWith('--')) return `${flag} needs a value`;
    i++;
    if (flag === '--data-dir') out.dataDir = value;
    else if (flag === '--expect') out.expect = value;
    else out.keyFiles.push(value);
  }
  if (!out.dataDir) return '--data-dir is required';
  return out as Args;
}

/** The key files to try: the given ones, else the host's default and a legacy/test one; and their set-aside twins. */
function candidateKeyFiles(args: Args): string[] {
  const main = args.keyFiles.length
    ? args.keyFiles
    : [defaultKeyFile(args.dataDir), path.join(args.dataDir, SECRET_KEY_FILE)];
  const files: string[] = [];
  for (const file of main.map((f) => path.resolve(f))) {
    files.push(file);
    let siblings: string[] = [];
    try {
      siblings = fs.readdirSync(path.dirname(file));
    } catch {
      // no folder: nothing set aside
    }
    const prefix = `${path.basename(file)}.unopened-`;
    for (const s of siblings) if (s.startsWith(prefix)) files.push(path.join(path.dirname(file), s));
  }
  return files.filter((f) => fs.existsSync(f));
}

function sayReport(report: VerifyReport, print: (line: string) => void): void {
  const head = report.head;
  print(
    `Journal: ${report.entries} entries` +
      (head ? `, head ${head.entryId}${head.short ? ` (${head.short})` : ' (not chained)'}` : ', empty'),
  );
  for (const s of report.segments) {
    const reason = { first: 'first', key_changed: 'new key', upgraded: 'upgraded install' }[s.reason];
    print(`Segment ${s.id} (${reason}, entries ${s.from}–${s.to}): ${s.verified ? 'verified' : s.why}`);
  }
  for (const p of report.problems) print(`Problem: ${p.why}`);
  const o = report.orders;
  const counted = `${o.checked} completed (${o.lines} lines, ${o.payments} payments, ${o.refunds} refunds)`;
  print(
    o.firstBad
      ? `Orders: ${counted}; ${o.differing} differ, the first: ${o.firstBad.why}`
      : `Orders: ${counted}, all agree with the journal`,
  );
  print(report.ok ? 'Verified.' : 'NOT verified.');
}

/** Runs the check; returns the exit code. `print` takes each line (stdout by default). */
export function verifyJournalCli(argv: string[], print: (line: string) => void = console.log): number {
  const args = parse(argv);
  if (typeof args === 'string') {
    print(`${args}\n${VERIFY_USAGE}`);
    return 1;
  }
  const file = path.join(args.dataDir, DB_FILENAME);
  if (!fs.existsSync(file)) {
    print(`No till data in ${args.dataDir} (no ${DB_FILENAME}).`);
    return 1;
  }
  const keys: Buffer[] = [];
  for (const f of candidateKeyFiles(args)) {
    try {
      keys.push(deriveFromKey(readKeyFile(f), CHAIN_KEY_INFO));
    } catch (err) {
      print(`Key file ${f} cannot be read: ${(err as Error).message}`);
    }
  }
  if (!keys.length) {
    const sealed = fs.existsSync(path.join(args.dataDir, SEALED_KEY_FILE));
    print(
      sealed
        ? "This folder's key is sealed by the desktop app's OS keychain: verify from Settings, or pass --key-file."
        : 'No key file found for this folder: pass --key-file (the one the host uses).',
    );
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (schemaVersion(db) < 10) {
      print('This journal is not chained yet: start Tillpoint once with this folder, then verify.');
      return 1;
    }
    const report = verifyJournal(db, keys, { expect: args.expect });
    sayReport(report, print);
    return report.ok ? 0 : 1;
  } finally {
    db.close();
  }
}
