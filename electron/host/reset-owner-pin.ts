// `npm run reset-owner-pin -- --data-dir D [--code CODE] [--pin PIN]`: the owner's recovery code (shown once at
// the first run) sets a new owner PIN. Asks for what is not given; prints the new recovery code once.
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { TillError } from '../../shared/api';
import { createRepos, DB_FILENAME, openDatabase } from '../db/index';
import { transactionOf } from '../db/transaction';
import { resetOwnerPin } from '../till/staff';

export interface CliIo {
  ask(question: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: npm run reset-owner-pin -- --data-dir DIR [--code RECOVERY-CODE] [--pin NEW-PIN]';

function parse(argv: string[]): { dataDir?: string; code?: string; pin?: string } | string {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = { '--data-dir': 'dataDir', '--code': 'code', '--pin': 'pin' }[flag];
    if (!name) return `unknown argument ${flag}`;
    const value = argv[++i];
    if (value === undefined) return `${flag} needs a value`;
    out[name] = value;
  }
  return out;
}

function terminalIo(): CliIo {
  return {
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  };
}

/** Returns the exit code. */
export async function main(argv: string[], io: CliIo = terminalIo()): Promise<number> {
  const args = parse(argv);
  if (typeof args === 'string' || !args.dataDir) {
    io.err(typeof args === 'string' ? `${args}\n${USAGE}` : USAGE);
    return 2;
  }
  const file = path.join(path.resolve(args.dataDir), DB_FILENAME);
  // Opening would create an empty till there: say so instead.
  if (!fs.existsSync(file)) {
    io.err(`No Tillpoint data in ${path.resolve(args.dataDir)} (no ${DB_FILENAME})`);
    return 1;
  }
  const db = openDatabase(file);
  try {
    const code = args.code ?? (await io.ask('Recovery code: '));
    const pin = args.pin ?? (await io.ask('New owner PIN (4 to 6 digits): '));
    const next = await resetOwnerPin(
      { repos: createRepos(db), tx: transactionOf(db), clock: () => new Date() },
      code,
      pin,
    );
    io.out('The owner PIN is reset.');
    io.out(`New recovery code (shown once, keep it somewhere safe): ${next}`);
    return 0;
  } catch (err) {
    if (!(err instanceof TillError)) throw err;
    const why: Partial<Record<string, string>> = {
      PIN_WRONG: 'That recovery code is wrong.',
      PIN_LOCKED: `Too many wrong codes: try again in ${err.params?.retryAfterSeconds} seconds.`,
    };
    io.err(why[err.code] ?? err.message);
    return 1;
  } finally {
    db.close();
  }
}
