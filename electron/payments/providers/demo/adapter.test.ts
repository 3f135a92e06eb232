// The Demo adapter against a real Demo gateway on loopback: every protocol round trip, signatures both ways,
// error mapping and notifications.
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileSecretBox } from '../../../core/secrets';
import type { Gateway } from '../../../gateway/index';
import { HEADER, rsaSign, signingMessage, unixSeconds } from '../../../gateway/protocol';
import {
  eventually,
  type NotifyListener,
  setFaults,
  sim,
  startNotifyListener,
  startTestGateway,
  tempDir,
} from '../../../gateway/testing';
import { type PaymentProvider, ProviderError } from '../../provider';
import { providerFailure } from '../testing';
import { createDemoProvider, DEMO_PROVIDER_FILE } from './index';

let seq = 0;
const tradeNo = () => `T1_20261125_${String(++seq).padStart(6, '0')}_demo${process.pid % 10000}`;
const dirs: string[] = [];
const dir = () => {
  const d = tempDir('tillpoint-demo-');
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function provider(gatewayUrl: string, dataDir = dir(), timeoutMs?: number): PaymentProvider {
  return createDemoProvider({
    gatewayUrl,
    dataDir,
    merchantName: 'Corner Café',
    secrets: fileSecretBox(dataDir),
    timeoutMs,
  });
}

function qr(tradeNumber: string, amountMinor = 1250, notifyUrl: string | null = null) {
  return {
    tradeNumber,
    amountMinor,
    currency: 'CNY',
    subject: 'Corner Café order 0042',
    orderNumber: '0042',
    expiresAt: new Date(Date.now() + 120_000),
    notifyUrl,
  };
}

function code(tradeNumber: string, authCode: string, amountMinor = 800) {
  return {
    tradeNumber,
    authCode,
    amountMinor,
    currency: 'CNY',
    subject: 'order',
    orderNumber: '0043',
    notifyUrl: null,
  };
}

describe('Demo provider against the gateway', () => {
  let gateway: Gateway;
  let demo: PaymentProvider;
  let dataDir: string;

  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir() });
    dataDir = dir();
    demo = provider(gateway.apiUrl, dataDir);
  });
  afterAll(() => gateway.close());
  afterEach(async () => {
    await sim(gateway, 'faults/reset', {});
  });

  it('creates a QR trade, the customer pays, and a query says paid for exactly that amount', async () => {
    const no = tradeNo();
    expect(demo.isDemo).toBe(true);
    expect(demo.id).toBe('demo');
    expect(demo.wallets).toEqual(['demo']);
    await demo.ping();
    const created = await demo.createQr(qr(no, 1250));
    expect(created.qrContent).toMatch(new RegExp(`^${gateway.payUrl}/pay/[A-Za-z0-9._-]+$`));
    expect(created.providerRef).toBeTruthy();
    expect((await demo.query(no)).status).toBe('waiting');
    expect((await sim(gateway, `trades/${no}/pay`, {})).status).toBe(200);
    const q = await demo.query(no);
    expect(q).toMatchObject({ status: 'paid', amountMinor: 1250, providerRef: created.providerRef });
    expect(q.paidAt).toBeTruthy();
    expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ paidCount: 1, merchantId: demo.merchantId });
  });

  it('keeps the merchant key sealed on disk and registers once per key', async () => {
    const stored = fs.readFileSync(path.join(dataDir, DEMO_PROVIDER_FILE), 'utf8');
    expect(stored).not.toContain('PRIVATE KEY');
    // A restarted till (new adapter, same data folder) is the same merchant.
    const again = provider(gateway.apiUrl, dataDir);
    expect(again.merchantId).toBe(demo.merchantId);
    await again.ping();
  });

  it('an unknown trade is not_found, never failed', async () => {
    expect(await demo.query(tradeNo())).toEqual({ status: 'not_found' });
    expect(await demo.close(tradeNo())).toEqual({ status: 'not_found' });
  });

  it('closes an unpaid trade; the phone can no longer pay it; a close after payment answers already_paid', async () => {
    const open = tradeNo();
    await demo.createQr(qr(open));
    expect(await demo.close(open)).toEqual({ status: 'closed' });
    expect(await demo.close(open)).toEqual({ status: 'closed' });
    expect((await demo.query(open)).status).toBe('closed');
    expect((await sim(gateway, `trades/${open}/pay`, {})).status).toBe(409);

    const paid = tradeNo();
    await demo.createQr(qr(paid));
    await sim(gateway, `trades/${paid}/pay`, {});
    expect(await demo.close(paid)).toEqual({ status: 'already_paid' });
  });

  it('refuses a reused trade number: TRADE_EXISTS, or TRADE_PAID once paid', async () => {
    const no = tradeNo();
    await demo.createQr(qr(no));
    let err = await providerFailure(demo.createQr(qr(no)));
    expect([err.kind, err.code]).toEqual(['rejected', 'TRADE_EXISTS']);
    await sim(gateway, `trades/${no}/pay`, {});
    err = await providerFailure(demo.createQr(qr(no)));
    expect([err.kind, err.code]).toEqual(['rejected', 'TRADE_PAID']);
    err = await providerFailure(demo.payWithCode(code(no, '280000000000000000')));
    expect(err.code).toBe('TRADE_PAID');
  });

  it('refuses bad amounts before a trade exists', async () => {
    const no = tradeNo();
    const err = await providerFailure(demo.createQr(qr(no, 0)));
    expect([err.kind, err.code]).toEqual(['rejected', 'AMOUNT_INVALID']);
    expect((await providerFailure(demo.createQr({ ...qr(no), amountMinor: 12.5 }))).code).toBe('AMOUNT_INVALID');
    expect(await demo.query(no)).toEqual({ status: 'not_found' });
  });

  it('refunds are idempotent by refund number and never exceed what was paid', async () => {
    const no = tradeNo();
    await demo.createQr(qr(no, 10_000));
    const early = await providerFailure(
      demo.refund({
        tradeNumber: no,
        refundNumber: `${no}R0`.slice(-32),
        amountMinor: 1,
        totalMinor: 10_000,
        reason: 'x',
      }),
    );
    expect(early.kind).toBe('rejected');
    await sim(gateway, `trades/${no}/pay`, {});
    const r1 = { tradeNumber: no, refundNumber: 'RF_000001_a', amountMinor: 3000, totalMinor: 10_000, reason: 'spilt' };
    expect(await demo.refund(r1)).toEqual({ status: 'refunded' });
    expect(await demo.refund(r1)).toEqual({ status: 'refunded' });
    expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ refundedMinor: 3000, status: 'paid' });
    const tooMuch = await providerFailure(demo.refund({ ...r1, refundNumber: 'RF_000002_a', amountMinor: 7001 }));
    expect([tooMuch.kind, tooMuch.code]).toEqual(['rejected', 'REFUND_TOO_LARGE']);
    expect(await demo.refund({ ...r1, refundNumber: 'RF_000002_a', amountMinor: 7000 })).toEqual({
      status: 'refunded',
    });
    expect((await demo.query(no)).status).toBe('refunded');
    expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ refundedMinor: 10_000, paidCount: 1 });
  });

  it('pays with a payment code at once, or after user_paying; declines and bad codes are refusals', async () => {
    const now = tradeNo();
    expect(await demo.payWithCode(code(now, '280000000000000000'))).toMatchObject({ status: 'paid' });
    expect((await demo.query(now)).status).toBe('paid');

    await setFaults(gateway, { userPayingQueries: 2 });
    const later = tradeNo();
    expect(await demo.payWithCode(code(later, '130000000000001111'))).toMatchObject({ status: 'user_paying' });
    expect((await demo.query(later)).status).toBe('user_paying');
    expect((await demo.query(later)).status).toBe('user_paying');
    expect(await demo.query(later)).toMatchObject({ status: 'paid', amountMinor: 800 });
    expect((await sim(gateway, `trades/${later}`)).body).toMatchObject({ paidCount: 1 });

    const refusedLater = tradeNo();
    await setFaults(gateway, { userPayingQueries: 0 });
    await demo.payWithCode(code(refusedLater, '280000000000002222'));
    expect(await demo.query(refusedLater)).toMatchObject({ status: 'failed', reason: 'DECLINED' });

    const declined = tradeNo();
    let err = await providerFailure(demo.payWithCode(code(declined, '280000000000009999')));
    expect([err.kind, err.code]).toEqual(['rejected', 'DECLINED']);
    expect(await demo.query(declined)).toMatchObject({ status: 'failed', reason: 'DECLINED' });
    err = await providerFailure(demo.payWithCode(code(tradeNo(), '280000000000008888')));
    expect(err.code).toBe('INSUFFICIENT_FUNDS');
    err = await providerFailure(demo.payWithCode(code(tradeNo(), '6901234567892')));
    expect(err.code).toBe('INVALID_CODE');
  });

  it('reverse closes an unpaid code payment and refunds a paid one', async () => {
    const waiting = tradeNo();
    await demo.payWithCode(code(waiting, '280000000000001111'));
    expect(await demo.reverse(waiting)).toEqual({ status: 'closed', retry: false });
    expect((await demo.query(waiting)).status).toBe('closed');

    const paid = tradeNo();
    await demo.payWithCode(code(paid, '280000000000000000'));
    expect(await demo.reverse(paid)).toEqual({ status: 'refunded', retry: false });
    expect((await sim(gateway, `trades/${paid}`)).body).toMatchObject({ status: 'refunded', refundedMinor: 800 });
  });

  it('a late payment after close goes through only with payAfterClose (for the attention list)', async () => {
    const no = tradeNo();
    await demo.createQr(qr(no));
    await demo.close(no);
    await setFaults(gateway, { payAfterClose: true });
    expect((await sim(gateway, `trades/${no}/pay`, {})).status).toBe(200);
    expect((await demo.query(no)).status).toBe('paid');
    expect((await sim(gateway, `trades/${no}/pay`, {})).status).toBe(409);
  });

  it('maps faults: latency past the timeout → timeout; 5xx → server_error; no answer → timeout', async () => {
    const quick = provider(gateway.apiUrl, dataDir, 150);
    await quick.ping();
    await setFaults(gateway, { latencyMs: 400 });
    let err = await providerFailure(quick.query(tradeNo()));
    expect(err.kind).toBe('timeout');
    expect(err.outcomeUnknown).toBe(true);
    await setFaults(gateway, { latencyMs: 0, failNext: 1 });
    const no = tradeNo();
    err = await providerFailure(quick.createQr(qr(no)));
    expect(err.kind).toBe('server_error');
    expect(await quick.query(no)).toEqual({ status: 'not_found' }); // the failed call did nothing
    await setFaults(gateway, { dropNext: 1, actOnFault: true });
    err = await providerFailure(quick.createQr(qr(no)));
    expect(err.kind).toBe('timeout');
    expect((await quick.query(no)).status).toBe('waiting'); // the dropped call was carried out
  });
});

describe('Demo provider trust', () => {
  it('is unreachable when no gateway listens (nothing was sent)', async () => {
    const gateway = await startTestGateway({ stateDir: dir() });
    const url = gateway.apiUrl;
    await gateway.close();
    const demo = provider(url);
    const err = await providerFailure(demo.ping());
    expect(err.kind).toBe('unreachable');
    expect(err.outcomeUnknown).toBe(false);
  });

  it('refuses a tampered answer as bad_response', async () => {
    const gateway = await startTestGateway({ stateDir: dir() });
    let tamper = false;
    // A tiny proxy between the till and the gateway that can rewrite answers.
    const proxy = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const upstream = await fetch(gateway.apiUrl + (req.url ?? ''), {
          method: req.method,
          headers: Object.fromEntries(
            Object.entries(req.headers).filter(([k]) => k.startsWith('x-') || k === 'content-type'),
          ) as Record<string, string>,
          body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
        });
        let text = await upstream.text();
        if (tamper) text = text.replace('"amountMinor":1250', '"amountMinor":1');
        const headers: Record<string, string> = {};
        upstream.headers.forEach((v, k) => {
          if (k.startsWith('x-') || k === 'content-type') headers[k] = v;
        });
        res.writeHead(upstream.status, headers);
        res.end(text);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const demo = provider(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`);
      const no = tradeNo();
      await demo.createQr(qr(no, 1250));
      expect((await demo.query(no)).amountMinor).toBe(1250);
      tamper = true;
      const err = await providerFailure(demo.query(no));
      expect(err.kind).toBe('bad_response');
      expect(err.outcomeUnknown).toBe(true);
    } finally {
      proxy.closeAllConnections();
      await new Promise((r) => proxy.close(r));
      await gateway.close();
    }
  });

  it('refuses a gateway that presents a different key than the one pinned', async () => {
    const first = await startTestGateway({ stateDir: dir() });
    const dataDir = dir();
    await provider(first.apiUrl, dataDir).ping();
    const port = first.port;
    await first.close();
    // Same address, new install (new key): not trusted.
    const impostor = await startTestGateway({ stateDir: dir(), port });
    try {
      const err = await providerFailure(provider(impostor.apiUrl, dataDir).ping());
      expect(err.kind).toBe('bad_response');
    } finally {
      await impostor.close();
    }
  });
});

describe('Demo notifications', () => {
  let gateway: Gateway;
  let listener: NotifyListener;
  let demo: PaymentProvider;

  beforeAll(async () => {
    gateway = await startTestGateway({ stateDir: dir() });
    // The first arrival is refused (the till was busy): the gateway must retry until acknowledged.
    listener = await startNotifyListener((i) =>
      i === 0 ? { status: 503, body: 'busy' } : { status: 200, body: '{"code":"SUCCESS"}' },
    );
    demo = provider(gateway.apiUrl);
    await demo.ping();
  });
  afterAll(async () => {
    await gateway.close();
    await listener.close();
  });

  it('delivers a signed notification, retried until acknowledged, that the adapter verifies', async () => {
    expect(demo.notificationAck).toEqual({ status: 200, body: '{"code":"SUCCESS"}', contentType: 'application/json' });
    const no = tradeNo();
    const { providerRef } = await demo.createQr(qr(no, 4200, listener.url));
    await sim(gateway, `trades/${no}/pay`, {});
    const second = await listener.nth(2);
    const first = listener.received[0];
    const verified = demo.verifyNotification(second);
    expect(verified).toMatchObject({
      tradeNumber: no,
      status: 'paid',
      amountMinor: 4200,
      currency: 'CNY',
      merchantId: demo.merchantId,
      providerRef,
    });
    // A retry carries the same notification id (the engine treats it as the same event).
    expect(JSON.parse(first.body).id).toBe(verified.notificationId);
    const record = await eventually(
      () => sim<{ notificationsAcked: number; notificationsSent: number }>(gateway, `trades/${no}`),
      (r) => r.body.notificationsAcked === 1,
    );
    expect(record.body).toMatchObject({ notificationsSent: 2, notificationsAcked: 1, paidCount: 1 });
  });

  it('refuses forged, replayed, tampered and stale notifications', async () => {
    const no = tradeNo();
    await demo.createQr(qr(no, 990, listener.url));
    const before = listener.received.length;
    await sim(gateway, `trades/${no}/pay`, {});
    const real = await listener.nth(before + 1);
    expect(demo.verifyNotification(real).amountMinor).toBe(990);

    const kind = (f: () => unknown) => {
      try {
        f();
        return 'accepted';
      } catch (err) {
        return err instanceof ProviderError ? err.kind : 'crash';
      }
    };
    // Replayed: the very same signed message a second time.
    expect(kind(() => demo.verifyNotification(real))).toBe('bad_response');
    // Tampered: the amount changed, signature kept.
    const tampered = { ...real, body: real.body.replace('"amountMinor":990', '"amountMinor":1') };
    expect(kind(() => demo.verifyNotification(tampered))).toBe('bad_response');
    // Forged: well-formed, signed by a key that is not the gateway's.
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const ts = unixSeconds();
    const forged = {
      headers: {
        [HEADER.timestamp]: ts,
        [HEADER.nonce]: 'forged-nonce-1',
        [HEADER.signature]: rsaSign(pem, signingMessage(['NOTIFY', ts, 'forged-nonce-1', real.body])),
      },
      body: real.body,
    };
    expect(kind(() => demo.verifyNotification(forged))).toBe('bad_response');
    expect(kind(() => demo.verifyNotification({ headers: {}, body: real.body }))).toBe('bad_response');
    // Stale: an old timestamp (the signature no longer matters).
    const stale = { ...real, headers: { ...real.headers, [HEADER.timestamp]: unixSeconds(Date.now() - 400_000) } };
    expect(kind(() => demo.verifyNotification(stale))).toBe('bad_response');
  });

  it('notifies nobody while notifications are switched off (polling alone)', async () => {
    await setFaults(gateway, { notifications: false });
    const no = tradeNo();
    await demo.createQr(qr(no, 500, listener.url));
    const before = listener.received.length;
    await sim(gateway, `trades/${no}/pay`, {});
    expect((await demo.query(no)).status).toBe('paid');
    expect((await sim(gateway, `trades/${no}`)).body).toMatchObject({ notificationsSent: 0 });
    expect(listener.received.length).toBe(before);
    await sim(gateway, 'faults/reset', {});
  });
});
