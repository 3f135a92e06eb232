// The same-machine request guard the host and the Demo gateway's test controls share.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostHeaderCount, isJsonContentType, sameMachineGuard } from './http';

/** Just what the guard reads of a request: headers as Node folds them, and the raw list. */
function req(raw: [string, string][]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of raw) headers[name.toLowerCase()] ??= value;
  return { headers, rawHeaders: raw.flat() } as unknown as IncomingMessage;
}

describe('sameMachineGuard', () => {
  const guard = sameMachineGuard({ bind: '127.0.0.1', port: 4870 });

  it('answers to the loopback names of its own port, in any case', () => {
    expect([...guard.hosts].sort()).toEqual(['127.0.0.1:4870', '[::1]:4870', 'localhost:4870']);
    expect(guard.check(req([['Host', 'LOCALHOST:4870']]))).toBeNull();
    expect(
      guard.check(
        req([
          ['Host', '[::1]:4870'],
          ['Origin', 'http://[::1]:4870'],
        ]),
      ),
    ).toBeNull();
    expect(guard.host(req([['Host', 'Localhost:4870']]))).toBe('localhost:4870');
  });

  it('refuses a foreign or missing Host, a foreign Origin and two Host headers', () => {
    for (const host of ['evil.example:4870', '127.0.0.1', '127.0.0.1:4871']) {
      expect(guard.check(req([['Host', host]]))).toMatchObject({ status: 403, reason: 'host' });
    }
    expect(guard.check(req([]))).toMatchObject({ status: 403, reason: 'host' });
    for (const origin of ['http://evil.example', 'null', 'https://127.0.0.1:4870', 'http://127.0.0.1']) {
      const r = req([
        ['Host', '127.0.0.1:4870'],
        ['Origin', origin],
      ]);
      expect(guard.check(r)).toMatchObject({ status: 403, reason: 'origin' });
    }
    const two = req([
      ['Host', '127.0.0.1:4870'],
      ['host', 'evil.example'],
    ]);
    expect(two.headers.host).toBe('127.0.0.1:4870');
    expect(hostHeaderCount(two)).toBe(2);
    expect(guard.check(two)).toMatchObject({ status: 400, reason: 'two-hosts' });
    expect(guard.host(two)).toBeUndefined();
  });

  it('takes an IPv6 bind and extra names, with or without their own port', () => {
    const g = sameMachineGuard({ bind: '::1', port: 80, extraHosts: ['till.local', 'Other:8080'] });
    expect([...g.hosts].sort()).toEqual(['127.0.0.1:80', '[::1]:80', 'localhost:80', 'other:8080', 'till.local:80']);
  });
});

it('knows a JSON content type', () => {
  for (const t of ['application/json', 'Application/JSON; charset=utf-8', ' application/json ;x=1']) {
    expect(isJsonContentType(t)).toBe(true);
  }
  for (const t of [undefined, '', 'text/plain', 'application/x-www-form-urlencoded', 'application/json-seq']) {
    expect(isJsonContentType(t)).toBe(false);
  }
});
