// Requests for tests of the loopback servers (host, Demo gateway), sent as a browser or an attacker would:
// any Host header, any Origin, any content type, even two Host headers. 127.0.0.1 only.
import http from 'node:http';
import net from 'node:net';
import type { KeychainLike } from './secrets';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request through node:http: unlike fetch, it sends the Host and Origin headers exactly as given. */
export function request(
  port: number,
  opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/**
 * Writes `lines` (joined with CRLF, ended by an empty line, then `body`) on a bare socket to 127.0.0.1:port
 * and answers the status of the reply: for what node:http will not send, such as two Host headers.
 */
export function rawStatus(port: number, lines: string[], body = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`${[...lines, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`);
    });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      received += d;
      const m = /^HTTP\/1\.1 (\d{3}) /.exec(received);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no HTTP status in ${JSON.stringify(received)}`)));
  });
}

/** A stand-in OS keychain: a per-"user" tag sealed in, so another user's keychain cannot open it. */
export function fakeKeychain(user = 'me', available = true): KeychainLike {
  const tag = Buffer.from(`kc:${user}:`);
  return {
    isEncryptionAvailable: () => available,
    encryptString: (s: string) => Buffer.concat([tag, Buffer.from(s)]),
    decryptString: (b: Buffer) => {
      if (!b.subarray(0, tag.length).equals(tag)) throw new Error('Error while decrypting the ciphertext');
      return b.subarray(tag.length).toString();
    },
  };
}
