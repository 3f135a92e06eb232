// The Demo gateway itself: request authentication, the phone pages and their tokens, expiry, restarts.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from '../core/secrets';
import type { PaymentProvider } from '../payments/provider';
import { createDemoProvider } from '../payments/providers/demo/index';
import type { Gateway } from './index';
import { HEADER, merchantIdFor, newNonce, rsaSign, signingMessage, unixSeconds } from './protocol';
import { STATE_FILE } from './store';
import { eventually, setFaults, sim, startNotifyListener, startTestGateway, tempDir } from './testing';

let seq = 0;
const tradeNo = () => `T2_20261125_${String(++seq).padStart(6, '0')}_gw${process.pid % 10000}`;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function demoFor(gateway: Gateway, dataDir = dir()): PaymentProvider {
  return createDemoProvider({
    gatewayUrl: gateway.apiUrl,
    dataDir,
    merchantName: '街角咖啡 Corner',
    secrets: fileSecretBox(dataDir),
  });
}

function qr(tradeNumber: string, amountMinor = 1250, expiresInMs = 120_000, now = Date.now()) {
  return {
    tradeNumber,
    amountMinor,
    currency: 'CNY',
    subject: 'order',
    orderNumber: '0042',
    expiresAt: new Date(now + expiresInMs),
    notifyUrl: null,
  };
}

async function page(url: string, method: 'GET' | 'POST' = 'GET', lang = 'en-US,en;q=0.9') {
  const res = await fetch(url, { method, headers: { 'accept-language': lang }, redirect: 'manual' });
  return { status: res.status, html: await res.text(), csp: res.headers.get('content-security-policy') ?? '' };
}

describe('provider API authentication', () => {
  let gateway: Gateway;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const merchantId = merchantIdFor(publicKey);

  function signed(
    method: string,
    path: string,
    body: string,
    over: { ts?: string; nonce?: string; key?: string } = {},
  ) {
    const ts = over.ts ?? unixSeconds();
    const nonce = over.nonce ?? newNonce();
    return fetch(gateway.apiUrl + path, {
      method,
      body: method === 'GET' ? undefined : body,
      headers: {
        'content-type': 'application/json',
        [HEADER.merchant]: merchantId,
        [HEADER.timestamp]: ts,
        [HEADER.nonce]: nonce,
        [HEADER.signature]: rsaSign(over.key ?? privateKey, signingMessage([method, path, ts, nonce, body])),
      },
    });
  }

  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir() });
    const reg = await signed('POST', '/v1/merchants', JSON.stringify({ name: 'Shop', publicKey }));
    expect(reg.status).toBe(200);
    expect(await reg.json()).toMatchObject({ merchantId });
  });
  afterAll(() => gateway.close());

  it('answers a correctly signed request, signed itself', async () => {
    const res = await signed('GET', '/v1/ping', '');
    expect(res.status).toBe(200);
    expect(res.headers.get(HEADER.signature)).toBeTruthy();
  });

  it('refuses a bad signature, a foreign key, a stale timestamp, a replayed nonce and no signature', async () => {
    const body = JSON.stringify({ ...qr(tradeNo()), expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const tampered = await fetch(`${gateway.apiUrl}/v1/trades/qr`, {
      method: 'POST',
      body: body.replace('1250', '1'),
      headers: (() => {
        const ts = unixSeconds();
        const nonce = newNonce();
        return {
          [HEADER.merchant]: merchantId,
          [HEADER.timestamp]: ts,
          [HEADER.nonce]: nonce,
          [HEADER.signature]: rsaSign(privateKey, signingMessage(['POST', '/v1/trades/qr', ts, nonce, body])),
        };
      })(),
    });
    expect(tampered.status).toBe(401);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    expect((await signed('GET', '/v1/ping', '', { key: other.toString() })).status).toBe(401);
    expect((await signed('GET', '/v1/ping', '', { ts: unixSeconds(Date.now() - 301_000) })).status).toBe(401);
    expect((await signed('GET', '/v1/ping', '', { ts: unixSeconds(Date.now() + 301_000) })).status).toBe(401);
    const nonce = newNonce();
    expect((await signed('GET', '/v1/ping', '', { nonce })).status).toBe(200);
    const replay = await signed('GET', '/v1/ping', '', { nonce });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ code: 'SIGN_ERROR' });
    expect((await fetch(`${gateway.apiUrl}/v1/ping`)).status).toBe(401);
  });
});

describe('phone pages', () => {
  let gateway: Gateway;
  let demo: PaymentProvider;
  let offsetMs = 0;

  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir(), clock: () => new Date(Date.now() + offsetMs) });
    demo = demoFor(gateway);
  });
  afterAll(() => gateway.close());
  afterEach(async () => {
    offsetMs = 0;
    await sim(gateway, 'faults/reset', {});
  });

  it('shows merchant, amount, order number and the DEMO banner in English and Chinese', async () => {
    const { qrContent } = await demo.createQr(qr(tradeNo(), 1250));
    expect(qrContent.startsWith(`${gateway.payUrl}/pay/`)).toBe(true);
    const en = await page(qrContent);
    expect(en.status).toBe(200);
    for (const s of ['DEMO – no money moved', '¥12.50', '0042', '街角咖啡 Corner', '>Pay<', '>Decline<']) {
      expect(en.html).toContain(s);
    }
    expect(en.csp).toContain("default-src 'none'");
    const zh = await page(qrContent, 'GET', 'zh-CN,zh;q=0.9');
    for (const s of ['演示 – 未发生真实扣款', '¥12.50', '0042', '>支付<', '>拒绝<']) expect(zh.html).toContain(s);
  });

  it('opening does not use the token; Pay works once; the second use is refused', async () => {
    const no = tradeNo();
    const { qrContent } = await demo.createQr(qr(no));
    expect((await page(qrContent)).status).toBe(200);
    expect((await page(qrContent)).status).toBe(200);
    expect((await demo.query(no)).status).toBe('waiting');
    const paid = await page(`${qrContent}/pay`, 'POST');
    expect(paid.status).toBe(200);
    expect(paid.html).toContain('Paid');
    expect((await demo.query(no)).status).toBe('paid');
    const again = await page(`${qrContent}/pay`, 'POST');
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    expect(again.html).toContain('already paid');
    expect((await page(`${qrContent}/decline`, 'POST')).status).toBe(409);
    expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ status: 'paid', paidCount: 1 });
  });

  it('Decline fails the trade and uses the token', async () => {
    const no = tradeNo();
    const { qrContent } = await demo.createQr(qr(no));
    const declined = await page(`${qrContent}/decline`, 'POST');
    expect(declined.status).toBe(200);
    expect(await demo.query(no)).toMatchObject({ status: 'failed', reason: 'DECLINED' });
    expect((await page(`${qrContent}/pay`, 'POST')).status).toBe(410);
  });

  it('refuses bad tokens, and a token for one trade cannot pay another', async () => {
    const a = tradeNo();
    const b = tradeNo();
    const qa = await demo.createQr(qr(a, 100));
    const qb = await demo.createQr(qr(b, 99_900));
    expect((await page(`${gateway.payUrl}/pay/nonsense`)).status).toBe(404);
    expect((await page(`${qa.qrContent.slice(0, -2)}xx/pay`, 'POST')).status).toBe(404);
    // Trade b's reference with trade a's signature and expiry.
    const tokenA = qa.qrContent.split('/pay/')[1];
    const spliced = tokenA.replace(qa.providerRef ?? '', qb.providerRef ?? '');
    expect(spliced).not.toBe(tokenA);
    expect((await page(`${gateway.payUrl}/pay/${spliced}/pay`, 'POST')).status).toBe(404);
    expect((await demo.query(b)).status).toBe('waiting');
    expect((await demo.query(a)).status).toBe('waiting');
  });

  it('an expired trade closes itself: its link answers 410 and it cannot be paid, unless payAfterClose', async () => {
    const no = tradeNo();
    const { qrContent } = await demo.createQr(qr(no, 700, 60_000));
    offsetMs = 61_000;
    expect((await page(qrContent)).status).toBe(410);
    expect((await page(`${qrContent}/pay`, 'POST')).status).toBe(410);
    expect(await demo.query(no)).toMatchObject({ status: 'closed', reason: 'EXPIRED' });
    await setFaults(gateway, { payAfterClose: true });
    expect((await page(`${qrContent}/pay`, 'POST')).status).toBe(200);
    expect((await demo.query(no)).status).toBe('paid');
  });

  it('a closed trade says why', async () => {
    const no = tradeNo();
    const { qrContent } = await demo.createQr(qr(no));
    await demo.close(no);
    const closed = await page(qrContent);
    expect(closed.status).toBe(409);
    expect(closed.html).toContain('cancelled or has expired');
  });

  it('serves nothing else on the pay port', async () => {
    expect((await page(`${gateway.payUrl}/`)).status).toBe(404);
    expect((await page(`${gateway.payUrl}/v1/ping`)).status).toBe(404);
    expect((await page(`${gateway.payUrl}/sim/faults`)).status).toBe(404);
    expect((await fetch(`${gateway.payUrl}/favicon.ico`)).status).toBe(204);
  });
});

describe('gateway state', () => {
  it('survives a restart: a paid trade stays paid, once; keys and merchants are kept', async () => {
    const stateDir = dir();
    const dataDir = dir();
    let gateway = await startTestGateway({ stateDir });
    const port = gateway.port;
    const no = tradeNo();
    const { qrContent } = await demoFor(gateway, dataDir).createQr(qr(no, 2500));
    expect((await page(`${qrContent}/pay`, 'POST')).status).toBe(200);
    await gateway.close();

    gateway = await startTestGateway({ stateDir, port });
    try {
      // The same till (pinned key, registered merchant) carries on.
      const demo = demoFor(gateway, dataDir);
      expect(await demo.query(no)).toMatchObject({ status: 'paid', amountMinor: 2500 });
      expect((await page(`${qrContent.replace(/:\d+\/pay/, `:${gateway.payPort}/pay`)}/pay`, 'POST')).status).toBe(409);
      expect((await sim(gateway, `trades/${no}/pay`, {})).status).toBe(409);
      expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ status: 'paid', paidCount: 1 });
    } finally {
      await gateway.close();
    }
  });
});

describe('notifications across a restart', () => {
  it('an unacknowledged notification goes out again after the gateway restarts', async () => {
    const stateDir = dir();
    const dataDir = dir();
    const refusing = await startNotifyListener(() => ({ status: 500, body: 'down' }));
    let gateway = await startTestGateway({ stateDir, notifyBackoffMs: [60_000] });
    const no = tradeNo();
    await demoFor(gateway, dataDir).createQr({ ...qr(no, 300), notifyUrl: refusing.url });
    await sim(gateway, `trades/${no}/pay`, {});
    await refusing.nth(1);
    await gateway.close();
    await refusing.close();

    const acking = await startNotifyListener();
    // The till's listener is back on another (OS-assigned) port: re-point the stored trade at it.
    const file = path.join(stateDir, STATE_FILE);
    const state = JSON.parse(fs.readFileSync(file, 'utf8'));
    state.trades[Object.keys(state.trades)[0]][no].notifyUrl = acking.url;
    fs.writeFileSync(file, JSON.stringify(state));

    gateway = await startTestGateway({ stateDir });
    try {
      const n = await acking.nth(1);
      expect(JSON.parse(n.body)).toMatchObject({ tradeNumber: no, amountMinor: 300 });
      const rec = await eventually(
        () => sim<{ notificationsAcked: number }>(gateway, `trades/${no}`),
        (r) => r.body.notificationsAcked === 1,
      );
      expect(rec.body.notificationsAcked).toBe(1);
    } finally {
      await gateway.close();
      await acking.close();
    }
  });
});
