// The shop's data folder holds every order, the sealed provider keys and the live phone-page tokens: on a
// PC other people (or other users' processes) also use, only this user may read it. POSIX modes only:
// on Windows %APPDATA% is already private to the user through its ACL, and chmod there only sets read-only.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/**
 * Creates `dir` (and missing parents) as 0700, or makes an existing one 0700 and everything in it private:
 * folders 0700, files 0600. An install from before this rule (0755 folder, 0644 database) is fixed on its
 * next start. Symbolic links are left alone: chmod would follow them out of the folder.
 */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // The folder itself may be a link the owner chose (--data-dir); what is inside it is ours.
  if (posix) tightenDir(dir, fs.statSync(dir));
}

function tightenDir(dir: string, stat: fs.Stats): void {
  if ((stat.mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(dir, PRIVATE_DIR_MODE);
  for (const entry of fs.readdirSync(dir)) {
    const p = path.join(dir, entry);
    const s = lstatOrUndefined(p);
    if (s?.isDirectory()) tightenDir(p, s);
    else if (s?.isFile() && (s.mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(p, PRIVATE_FILE_MODE);
  }
}

/** A file removed while we walk (a stale lock moved aside, a WAL checkpointed away) is simply skipped. */
function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Creates an empty file as 0600 if it is missing. SQLite gives a database's -wal and -shm files the mode of
 * the database file itself, so a database created this way keeps its companions private too.
 */
export function touchPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if (posix && (fs.statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE);
}
