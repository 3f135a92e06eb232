// The host as people start it: a real process from a bundle like out/host/host.mjs, real ports, real signals.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput, Result } from '../../shared/api';
import { LOCK_FILE } from '../core/lock';
import { packageRoot } from '../core/paths';
import { TEST_OWNER_PIN } from '../till/test-staff';

const READY =
  /^Tillpoint is ready at (http:\/\/127\.0\.0\.1:(\d+)\/) \(customer display: (http:\/\/127\.0\.0\.1:\d+\/customer)\)$/m;

let bundleDir: string;
let entry: string;
let dataDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  // Bundled the way the build bundles out/host/host.mjs; node_modules beside it resolves the packages.
  bundleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-cli-bundle-'));
  fs.symlinkSync(path.join(packageRoot(), 'node_modules'), path.join(bundleDir, 'node_modules'), 'junction');
  entry = path.join(bundleDir, 'host.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: entry,
    logLevel: 'silent',
  });
});
afterAll(() => fs.rmSync(bundleDir, { recursive: true, force: true }));
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tillpoint-cli-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await once(c, 'exit');
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

function run(args: string[]): Run {
  // The package root as working directory: the bundle lives in a temp folder, outside the package.
  // The Demo gateway's phone pages listen on loopback in tests (people's tills listen on the LAN).
  const child = spawn(process.execPath, [entry, ...args, '--pay-bind', '127.0.0.1'], {
    cwd: packageRoot(),
    // The owner's PIN at the first start, as an unattended install sets it; call() signs in with it.
    env: { ...process.env, TILLPOINT_OWNER_PIN: TEST_OWNER_PIN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  return { child, stdout: () => out, stderr: () => err };
}

/** Resolves with the ready line's URL and port, or rejects with what the process printed if it exits. */
function ready(r: Run): Promise<{ url: string; port: number }> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = READY.exec(r.stdout());
      if (m && r.stdout().includes('data: ')) {
        r.child.stdout!.off('data', check);
        resolve({ url: m[1], port: Number(m[2]) });
      }
    };
    r.child.stdout!.on('data', check);
    r.child.once('exit', (code) => reject(new Error(`host exited ${code}: ${r.stdout()} ${r.stderr()}`)));
  });
}

/** Resolves once the payments line is out (it follows the ready and data lines). */
function payments(r: Run): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (/^payments: /m.test(r.stdout())) {
        r.child.stdout!.off('data', check);
        resolve();
      }
    };
    r.child.stdout!.on('data', check);
    check();
  });
}

/** Resolves with the first match of `re` in what the process printed, once it is there. */
function printed(r: Run, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(r.stdout());
      if (m) {
        r.child.stdout!.off('data', check);
        resolve(m);
      }
    };
    r.child.stdout!.on('data', check);
    r.child.once('exit', (code) => reject(new Error(`host exited ${code}: ${r.stdout()} ${r.stderr()}`)));
    check();
  });
}

async function exitCode(r: Run): Promise<number | null> {
  if (r.child.exitCode !== null) return r.child.exitCode;
  const [code] = await once(r.child, 'exit');
  return code as number | null;
}

/** Hosts (by URL) the test owner is signed in at: selling needs someone signed in. */
const signedIn = new Set<string>();

async function call<M extends MethodName>(url: string, method: M, input: MethodInput<M>) {
  if (method !== 'staff.unlock' && !signedIn.has(url)) {
    await call(url, 'staff.unlock', { pin: TEST_OWNER_PIN });
    signedIn.add(url);
  }
  const res = await fetch(`${url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as Result<MethodOutput<M>>;
  if (!body.ok) throw new Error(`${method} answered ${res.status}: ${body.error.message}`);
  return body.value;
}

describe('host command line', () => {
  it('starts on the port the OS picks, prints where, serves the API, and stops cleanly on SIGTERM', async () => {
    const r = run(['--data-dir', dataDir, '--port', '0']);
    const { url, port } = await ready(r);
    expect(port).toBeGreaterThan(0);
    expect(r.stdout()).toContain(`Tillpoint is ready at ${url} (customer display: ${url}customer)`);
    expect(r.stdout()).toContain(`data: ${dataDir}\n`);
    expect(r.stdout().match(/Tillpoint is ready/g)).toHaveLength(1);
    await payments(r);
    expect(r.stdout()).toMatch(/^payments: Demo gateway, phone pages at http:\/\/[^\s]+:\d+\/?$/m);
    const options = await call(url, 'pay.options', {});
    expect(options.options.find((o) => o.method === 'qr')).toMatchObject({ available: true, isDemo: true });

    expect(await call(url, 'app.info', {})).toMatchObject({ name: 'Tillpoint', mode: 'host', dataDir });
    // The page is the built renderer, or the note saying to build it.
    expect([200, 503]).toContain((await fetch(`${url}customer`)).status);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);

    r.child.kill('SIGTERM');
    expect(await exitCode(r)).toBe(0);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('refuses a second host on the same data folder, naming the first', async () => {
    const first = run(['--data-dir', dataDir, '--port', '0']);
    await ready(first);
    const second = run(['--data-dir', dataDir, '--port', '0']);
    expect(await exitCode(second)).toBe(1);
    expect(second.stderr()).toContain(
      `This data folder is in use by another Tillpoint (pid ${first.child.pid}, host mode`,
    );
    expect(second.stdout()).not.toContain('ready');
    // The refused one did not take the lock away from the first.
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(first.child.pid);
  });

  it('starts again on data left by a host killed with SIGKILL, with its data intact', async () => {
    const first = run(['--data-dir', dataDir, '--port', '0']);
    const { url } = await ready(first);
    await call(url, 'settings.update', { shopName: 'Corner Cafe' });
    first.child.kill('SIGKILL');
    await exitCode(first);

    const second = run(['--data-dir', dataDir, '--port', '0']);
    const again = await ready(second);
    expect((await call(again.url, 'settings.get', {})).shopName).toBe('Corner Cafe');
  });

  it('says which port is in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = run(['--data-dir', dataDir, '--port', String(port)]);
      expect(await exitCode(r)).toBe(1);
      expect(r.stderr()).toContain(`Port ${port} is in use; pass --port`);
      // It let go of the data folder on the way out.
      expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('explains a bad flag and exits 1', async () => {
    const r = run(['--port', 'eighty']);
    expect(await exitCode(r)).toBe(1);
    expect(r.stderr()).toContain('--port must be a whole number from 0 to 65535 (got "eighty")');
  });

  it.runIf(process.platform !== 'win32')(
    'keeps the shop data private to this user, on a new install and on one from before the rule',
    async () => {
      /** Every file and folder in the data folder whose mode lets anyone else read, write or enter it. */
      const open = () =>
        (fs.readdirSync(dataDir, { recursive: true }) as string[])
          .map((f) => ({ f, mode: fs.lstatSync(path.join(dataDir, f)).mode & 0o777 }))
          .filter(({ mode }) => (mode & 0o077) !== 0)
          .concat((fs.statSync(dataDir).mode & 0o077) !== 0 ? [{ f: '.', mode: 0 }] : []);

      const first = run(['--data-dir', dataDir, '--port', '0']);
      const { url } = await ready(first);
      await payments(first);
      await call(url, 'settings.update', { shopName: 'Corner Cafe' });
      expect(fs.readdirSync(dataDir)).toEqual(expect.arrayContaining(['tillpoint.db', 'tillpoint.db-wal']));
      expect(open()).toEqual([]);
      first.child.kill('SIGKILL');
      await exitCode(first);

      // An install from before: everything readable by every local user.
      fs.chmodSync(dataDir, 0o755);
      for (const f of fs.readdirSync(dataDir, { recursive: true }) as string[]) {
        const p = path.join(dataDir, f);
        fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
      }
      expect(open().length).toBeGreaterThan(3);
      const second = run(['--data-dir', dataDir, '--port', '0']);
      const again = await ready(second);
      await payments(second);
      expect(open()).toEqual([]);
      expect((await call(again.url, 'settings.get', {})).shopName).toBe('Corner Cafe');
    },
  );

  it('passes --sim-controls on to its built-in Demo gateway, which has no test controls without it', async () => {
    const GATEWAY = /^gateway API: (http:\/\/127\.0\.0\.1:\d+)(.*)$/m;
    const json = { 'content-type': 'application/json' };
    for (const simControls of [false, true]) {
      // A fresh folder each time: the first run leaves its payment open (and the cart locked).
      const dir = path.join(dataDir, String(simControls));
      const r = run(['--data-dir', dir, '--port', '0', ...(simControls ? ['--sim-controls'] : [])]);
      const { url } = await ready(r);
      const [, gateway, note] = await printed(r, GATEWAY);
      expect(note.includes('test controls on'), note).toBe(simControls);
      // Selling needs someone signed in and an open shift.
      await call(url, 'shift.open', { count: { totalMinor: 0 } });
      await call(url, 'cart.scan', { barcode: '2000001000007' });
      const { payment } = await call(url, 'pay.start', { method: 'qr' });
      const pay = `${gateway}/sim/trades/${payment!.tradeNumber}/pay`;
      // A foreign page's POST never gets through; this machine's own JSON POST only with the flag.
      expect((await fetch(pay, { method: 'POST', headers: { ...json, origin: 'http://evil.example' } })).status).toBe(
        simControls ? 403 : 404,
      );
      expect((await fetch(`${gateway}/sim/faults`)).status).toBe(simControls ? 200 : 404);
      expect((await fetch(pay, { method: 'POST', headers: json })).status).toBe(simControls ? 200 : 404);
      const after = (await call(url, 'pay.check', { paymentId: payment!.id })).payment;
      expect(after?.status).toBe(simControls ? 'paid' : 'pending');
      r.child.kill('SIGTERM');
      expect(await exitCode(r)).toBe(0);
    }
  });

  it('applies --thanks-ms to the customer display setting', async () => {
    const r = run(['--data-dir', dataDir, '--port', '0', '--thanks-ms', '800']);
    const { url } = await ready(r);
    expect((await call(url, 'settings.get', {})).displayThanksMs).toBe(800);
  });
});
