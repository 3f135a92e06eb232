// Test support: a pseudo-terminal pair made by Debian's socat, standing in for a USB-serial cable. The till
// opens one end as its serial printer or scanner; the test reads or writes the other end like the device.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end the till opens (e.g. serial:<till>?baud=9600). */
  till: string;
  /** The end the test plays the device on. */
  device: string;
  close(): Promise<void>;
}

/** Starts socat with two linked raw ptys; resolves once both ends exist and data flows. */
export async function openPtyPair(): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-pty-'));
  const till = path.join(dir, 'till');
  const device = path.join(dir, 'device');
  const child: ChildProcess = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${till}`, `pty,raw,echo=0,link=${device}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      // socat says so once both ptys are made and linked.
      if (log.includes('starting data transfer loop')) {
        child.stderr?.off('data', onData);
        resolve();
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', (err) => reject(new Error(`socat could not start (apt-get install socat): ${err.message}`)));
    child.once('exit', (code) => reject(new Error(`socat exited (${code}) before the ptys were ready: ${log}`)));
  });
  child.stderr?.resume();
  return {
    till,
    device,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
          return;
        }
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
