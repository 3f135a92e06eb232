// The Demo gateway's unsigned test controls (/sim): absent unless started with simControls, and then only for
// a request from this machine that no web page could have made (Host, Origin, JSON), like the host's API.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from '../core/secrets';
import { rawStatus, request } from '../core/testing';
import type { PaymentProvider } from '../payments/provider';
import { createDemoProvider } from '../payments/providers/demo/index';
import type { Faults, Gateway } from './index';
import { sim, startTestGateway, tempDir } from './testing';

let seq = 0;
const tradeNo = () => `T3_20261125_${String(++seq).padStart(6, '0')}_sim${process.pid % 10000}`;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir('tillpoint-sim-');
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function demoFor(gateway: Gateway): PaymentProvider {
  const dataDir = dir();
  return createDemoProvider({
    gatewayUrl: gateway.apiUrl,
    dataDir,
    merchantName: 'Shop',
    secrets: fileSecretBox(dataDir),
  });
}

async function newTrade(demo: PaymentProvider): Promise<string> {
  const tradeNumber = tradeNo();
  await demo.createQr({
    tradeNumber,
    amountMinor: 1800,
    currency: 'CNY',
    subject: 'order',
    orderNumber: '0001',
    expiresAt: new Date(Date.now() + 120_000),
    notifyUrl: null,
  });
  return tradeNumber;
}

const JSON_TYPE = { 'Content-Type': 'application/json' };

describe('without simControls (the default)', () => {
  let gateway: Gateway;
  let demo: PaymentProvider;
  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir(), simControls: false });
    demo = demoFor(gateway);
  });
  afterAll(() => gateway.close());

  it('answers every /sim path 404, exactly like a path that does not exist, and changes nothing', async () => {
    const no = await newTrade(demo);
    const unknown = await request(gateway.port, { path: '/no/such/path' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toEqual({ code: 'NOT_FOUND', message: 'no such endpoint GET /no/such/path' });
    const tries = [
      { method: 'GET', path: '/sim/faults' },
      { method: 'POST', path: '/sim/faults', body: JSON.stringify({ failNext: 5 }) },
      { method: 'POST', path: '/sim/faults/reset', body: '{}' },
      { method: 'GET', path: '/sim/trades' },
      { method: 'GET', path: `/sim/trades/${no}` },
      { method: 'POST', path: `/sim/trades/${no}/pay`, body: '{}' },
      { method: 'POST', path: `/sim/trades/${no}/decline`, body: '{}' },
    ];
    for (const t of tries) {
      const res = await request(gateway.port, { ...t, headers: JSON_TYPE });
      expect(res.status, `${t.method} ${t.path}`).toBe(404);
      // The same answer an unknown path gets (which names the path asked for), nothing more.
      expect(JSON.parse(res.body)).toEqual({ code: 'NOT_FOUND', message: `no such endpoint ${t.method} ${t.path}` });
      expect(Object.keys(res.headers).sort()).toEqual(Object.keys(unknown.headers).sort());
    }
    // The trade was neither paid nor declined, and no fault was switched on (the next calls succeed).
    expect((await demo.query(no)).status).toBe('waiting');
    await demo.ping();
    await demo.ping();
  });
});

describe('with simControls', () => {
  let gateway: Gateway;
  let demo: PaymentProvider;
  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir(), simControls: true });
    demo = demoFor(gateway);
  });
  afterAll(() => gateway.close());
  const faults = async () => (await sim<Faults>(gateway, 'faults')).body;

  it('works for this machine: the loopback names of its own port, with or without its own Origin', async () => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      const host = `${name}:${gateway.port}`;
      const res = await request(gateway.port, {
        method: 'POST',
        path: '/sim/faults',
        headers: { ...JSON_TYPE, Host: host, Origin: `http://${host}` },
        body: JSON.stringify({ latencyMs: 1 }),
      });
      expect(res.status, host).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ latencyMs: 1 });
      expect((await request(gateway.port, { path: '/sim/trades', headers: { Host: host } })).status).toBe(200);
    }
    expect((await sim(gateway, 'faults/reset', {})).body).toMatchObject({ latencyMs: 0 });
  });

  it('refuses a cross-site POST (a foreign Origin) with 403 and changes nothing', async () => {
    const no = await newTrade(demo);
    for (const origin of ['http://evil.example', `https://127.0.0.1:${gateway.port}`, 'null', 'http://127.0.0.1:1']) {
      const headers = { ...JSON_TYPE, Origin: origin };
      const set = await request(gateway.port, {
        method: 'POST',
        path: '/sim/faults',
        headers,
        body: JSON.stringify({ failNext: 3, notifications: false }),
      });
      expect(set.status, origin).toBe(403);
      expect(JSON.parse(set.body)).toMatchObject({ code: 'FORBIDDEN' });
      const pay = await request(gateway.port, { method: 'POST', path: `/sim/trades/${no}/pay`, headers, body: '{}' });
      expect(pay.status, origin).toBe(403);
    }
    expect(await faults()).toMatchObject({ failNext: 0, notifications: true });
    expect((await demo.query(no)).status).toBe('waiting');
  });

  it('refuses a DNS-rebound request (a foreign Host) with 403: it lists no trade and pays none', async () => {
    const no = await newTrade(demo);
    for (const host of [`evil.example:${gateway.port}`, 'evil.example', `127.0.0.1:${gateway.port + 1}`]) {
      const list = await request(gateway.port, { path: '/sim/trades', headers: { Host: host } });
      expect(list.status, host).toBe(403);
      expect(list.body).not.toContain(no);
      const one = await request(gateway.port, { path: `/sim/trades/${no}`, headers: { Host: host } });
      expect(one.status).toBe(403);
      expect(one.body).not.toContain('1800');
      const pay = await request(gateway.port, {
        method: 'POST',
        path: `/sim/trades/${no}/pay`,
        headers: { ...JSON_TYPE, Host: host },
        body: '{}',
      });
      expect(pay.status, host).toBe(403);
      const set = await request(gateway.port, {
        method: 'POST',
        path: '/sim/faults',
        headers: { ...JSON_TYPE, Host: host },
        body: JSON.stringify({ dropNext: 1 }),
      });
      expect(set.status).toBe(403);
    }
    expect((await demo.query(no)).status).toBe('waiting');
    expect(await faults()).toMatchObject({ dropNext: 0 });
  });

  it('refuses a POST that is not application/json (a plain form can send those) with 415 and changes nothing', async () => {
    const no = await newTrade(demo);
    const types = [
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
    ];
    for (const type of [...types, undefined]) {
      const headers: Record<string, string> = type ? { 'Content-Type': type } : {};
      const set = await request(gateway.port, {
        method: 'POST',
        path: '/sim/faults',
        headers,
        body: JSON.stringify({ failNext: 2 }),
      });
      expect(set.status, String(type)).toBe(415);
      const pay = await request(gateway.port, { method: 'POST', path: `/sim/trades/${no}/pay`, headers, body: '{}' });
      expect(pay.status, String(type)).toBe(415);
    }
    expect(await faults()).toMatchObject({ failNext: 0 });
    expect((await demo.query(no)).status).toBe('waiting');
    // The same call as JSON does what it says.
    const paid = await request(gateway.port, {
      method: 'POST',
      path: `/sim/trades/${no}/pay`,
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(paid.status).toBe(200);
    expect((await demo.query(no)).status).toBe('paid');
  });
});

describe('two Host headers', () => {
  it('are a 400 on every path of the API port, with or without the controls', async () => {
    for (const simControls of [true, false]) {
      const gateway = await startTestGateway({ stateDir: dir(), simControls });
      try {
        const demo = demoFor(gateway);
        const no = await newTrade(demo);
        const own = `127.0.0.1:${gateway.port}`;
        for (const hosts of [
          [own, 'evil.example'],
          ['evil.example', own],
          [own, own],
        ]) {
          const headers = hosts.map((h, i) => `${i ? 'host' : 'Host'}: ${h}`);
          expect(await rawStatus(gateway.port, ['GET /sim/trades HTTP/1.1', ...headers])).toBe(400);
          expect(await rawStatus(gateway.port, ['GET /v1/ping HTTP/1.1', ...headers])).toBe(400);
          const pay = [`POST /sim/trades/${no}/pay HTTP/1.1`, ...headers, 'Content-Type: application/json'];
          expect(await rawStatus(gateway.port, [...pay, 'Content-Length: 2'], '{}')).toBe(400);
        }
        // One Host header of ours is answered as usual.
        const one = await rawStatus(gateway.port, ['GET /sim/trades HTTP/1.1', `Host: ${own}`]);
        expect(one).toBe(simControls ? 200 : 404);
        expect((await demo.query(no)).status).toBe('waiting');
      } finally {
        await gateway.close();
      }
    }
  });
});
