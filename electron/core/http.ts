// Small node:http helpers shared by the headless host, the Demo gateway and the payment notification listener.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The request body, or undefined once it exceeds `maxBytes`. The rest is then read and discarded, so the
 * caller can still answer (413) on the same connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
      req.resume();
      resolve(undefined);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Listens on host:port (0: any free port) and resolves with the bound port, or rejects (e.g. EADDRINUSE). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and drops open connections (keep-alive ones included), so close never hangs. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A host for a URL or a Host header: IPv6 addresses in brackets. */
export function urlHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/** Content-Type application/json, with or without parameters (charset). */
export function isJsonContentType(value: string | undefined): boolean {
  return value?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/**
 * How many Host headers the request carried. Node keeps only the first in req.headers.host, so a second one
 * (which a proxy or another parser may read instead) is only visible in rawHeaders.
 */
export function hostHeaderCount(req: IncomingMessage): number {
  let n = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === 'host') n++;
  return n;
}

/** Why a request was refused: 400 for two Host headers, 403 for a foreign Host or Origin. */
export interface Refusal {
  status: 400 | 403;
  reason: 'two-hosts' | 'host' | 'origin';
  message: string;
}

/** The checks a server on this machine's loopback makes before it lets a browser's request in. */
export interface SameMachineGuard {
  /** The Host header values (host:port, lower case) this server answers to. */
  readonly hosts: ReadonlySet<string>;
  /** The request's Host (lower case) when it carried exactly one and it is one of ours, else undefined. */
  host(req: IncomingMessage): string | undefined;
  /**
   * null when the request may go on. Two Host headers → 400; a Host that is not ours → 403 (DNS rebinding:
   * a page on evil.example whose name now points at 127.0.0.1 still sends Host: evil.example); an Origin,
   * when present, that is not ours → 403 (a foreign page POSTing to us or opening a WebSocket).
   */
  check(req: IncomingMessage): Refusal | null;
}

export interface SameMachineGuardOptions {
  /** The address the server is bound to (127.0.0.1, ::1, localhost, ...). */
  bind: string;
  /** The port it listens on. */
  port: number;
  /** Names accepted besides the bind address, 127.0.0.1, localhost and [::1] (`name` or `name:port`). */
  extraHosts?: readonly string[];
}

/** Host and Origin checks shared by the headless host and the Demo gateway's test controls. */
export function sameMachineGuard(opts: SameMachineGuardOptions): SameMachineGuard {
  const hosts = new Set<string>();
  const origins = new Set<string>();
  for (const name of [urlHost(opts.bind), '127.0.0.1', 'localhost', '[::1]', ...(opts.extraHosts ?? [])]) {
    const host = (/:\d+$/.test(name) && !name.endsWith(']') ? name : `${name}:${opts.port}`).toLowerCase();
    hosts.add(host);
    origins.add(`http://${host}`);
  }
  const host = (req: IncomingMessage): string | undefined => {
    const value = req.headers.host?.toLowerCase();
    return value !== undefined && hosts.has(value) && hostHeaderCount(req) === 1 ? value : undefined;
  };
  return {
    hosts,
    host,
    check(req) {
      if (hostHeaderCount(req) > 1) return { status: 400, reason: 'two-hosts', message: 'Two Host headers' };
      if (host(req) === undefined) return { status: 403, reason: 'host', message: 'Unexpected Host header' };
      const origin = req.headers.origin;
      if (origin !== undefined && !origins.has(origin.toLowerCase())) {
        return { status: 403, reason: 'origin', message: 'Cross-origin requests are refused' };
      }
      return null;
    },
  };
}
