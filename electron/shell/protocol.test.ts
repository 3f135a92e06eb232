import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, appUrl, isAppUrl, resolveAppFile, serveAppRequest } from './protocol';
import { CSP } from './security';

function rendererDir() {
  const outDir = mkdtempSync(path.join(tmpdir(), 'tillpoint-out-'));
  const dir = path.join(outDir, 'renderer');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Tillpoint</title>');
  writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(path.join(outDir, 'secret.txt'), 'not for the page');
  return dir;
}

const get = (url: string) => ({ url, method: 'GET' });

describe('app:// protocol', () => {
  it('knows its own URLs', () => {
    expect(appUrl('/customer')).toBe(`${APP_ORIGIN}/customer`);
    expect(isAppUrl(`${APP_ORIGIN}/`)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/customer#x`)).toBe(true);
    for (const other of [
      'app://tillpoint.evil/',
      'app://evil@x/',
      'http://tillpoint/',
      'file:///x',
      '',
      undefined,
      'nonsense',
    ]) {
      expect(isAppUrl(other)).toBe(false);
    }
  });

  it('serves index.html with the CSP for the cashier and customer routes', async () => {
    const dir = rendererDir();
    for (const route of ['/', '/customer']) {
      const res = await serveAppRequest(dir, get(appUrl(route)));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(await res.text()).toContain('<title>Tillpoint</title>');
    }
  });

  it('serves built assets with their type, and 404 for missing ones', async () => {
    const dir = rendererDir();
    const js = await serveAppRequest(dir, get(appUrl('/assets/index-abc.js')));
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await serveAppRequest(dir, get(appUrl('/assets/missing.js')))).status).toBe(404);
  });

  it('serves no source maps, nor any file that is not a web asset', async () => {
    const dir = rendererDir();
    writeFileSync(path.join(dir, 'assets', 'index-abc.js.map'), '{"sources":["../src/till.ts"]}');
    writeFileSync(path.join(dir, 'notes.bak'), 'old');
    expect((await serveAppRequest(dir, get(appUrl('/assets/index-abc.js.map')))).status).toBe(404);
    expect((await serveAppRequest(dir, get(appUrl('/notes.bak')))).status).toBe(404);
  });

  it('never serves a file outside the renderer folder', async () => {
    const dir = rendererDir();
    for (const url of [
      `${APP_ORIGIN}/../secret.txt`,
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/%2e%2e%5csecret.txt`,
      'app://other/index.html',
    ]) {
      const file = resolveAppFile(dir, url);
      if (file) expect(path.relative(dir, file).startsWith('..')).toBe(false);
      const res = await serveAppRequest(dir, get(url));
      if (res.status === 200) expect(await res.text()).not.toContain('not for the page');
    }
    expect((await serveAppRequest(dir, { url: appUrl('/'), method: 'POST' })).status).toBe(405);
  });
});
