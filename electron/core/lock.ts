// One Tillpoint per data folder: two processes writing the same SQLite file would each believe their
// own cart and order numbers. The lock is a file created exclusively, naming its owner; a lock left by a
// process that died (SIGKILL, power cut) is taken over.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'tillpoint.lock';

export type LockMode = 'electron' | 'host';

interface LockOwner {
  pid: number;
  mode: LockMode;
  startedAt: string;
  hostname: string;
  /** Tells our own lock apart from a later one, so release never removes someone else's. */
  token: string;
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

export class LockHeldError extends Error {
  constructor(
    readonly owner: Partial<LockOwner>,
    readonly lockPath: string,
  ) {
    const who = `pid ${owner.pid ?? '?'}, ${owner.mode ?? 'unknown'} mode${
      owner.hostname && owner.hostname !== os.hostname() ? ` on ${owner.hostname}` : ''
    }`;
    super(
      `This data folder is in use by another Tillpoint (${who}, started ${owner.startedAt ?? 'at an unknown time'}). ` +
        `Close that one first, or pass --data-dir to use another folder. ` +
        `If no Tillpoint is running, delete ${lockPath}.`,
    );
    this.name = 'LockHeldError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): { raw: string; owner: Partial<LockOwner> } | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return { raw, owner: JSON.parse(raw) as Partial<LockOwner> };
  } catch {
    // Empty or torn: the owner died between creating and writing it.
    return { raw, owner: {} };
  }
}

function isHeld(owner: Partial<LockOwner>): boolean {
  if (typeof owner.pid !== 'number') return false;
  // A pid on another machine (a shared folder) cannot be checked: assume it is alive.
  if (owner.hostname && owner.hostname !== os.hostname()) return true;
  return isAlive(owner.pid);
}

/** Takes the lock on `dataDir` (which must exist) or throws LockHeldError naming the owner. */
export function acquireDataDirLock(dataDir: string, mode: LockMode): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    mode,
    startedAt: new Date().toISOString(),
    hostname: os.hostname(),
    token: randomUUID(),
  };
  const content = `${JSON.stringify(me)}\n`;

  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return lockHandle(file, me.token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const current = readOwner(file);
    if (!current) continue; // released meanwhile
    if (isHeld(current.owner)) throw new LockHeldError(current.owner, file);

    // Stale. Move it aside atomically rather than unlinking, so two processes taking over at once cannot
    // delete each other's fresh lock: only what we moved, if it is still the stale one, is thrown away.
    const aside = `${file}.stale-${process.pid}-${me.token}`;
    try {
      fs.renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = readOwner(aside);
    if (moved && moved.raw !== current.raw) {
      // We moved a live owner's new lock: put it back (link fails rather than overwrite) and look again.
      try {
        fs.linkSync(aside, file);
      } catch {
        // Someone else holds the lock now; the next attempt reports them.
      }
    }
    fs.rmSync(aside, { force: true });
  }
  const owner = readOwner(file)?.owner ?? {};
  throw new LockHeldError(owner, file);
}

function lockHandle(file: string, token: string): DataDirLock {
  let released = false;
  return {
    path: file,
    release() {
      if (released) return;
      released = true;
      // Only remove the file if it is still ours.
      if (readOwner(file)?.owner.token === token) fs.rmSync(file, { force: true });
    },
  };
}
