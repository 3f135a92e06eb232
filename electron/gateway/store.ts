// The gateway's state file: keys, merchants, trades (with their tokens, refunds and notifications) and
// recently seen request nonces. Written whole after every change, atomically (temp file, fsync, rename), so a
// restart or a kill at any moment finds either the old or the new state, never half of one.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { GatewayTradeStatus } from './protocol';

export const STATE_FILE = 'demo-gateway-state.json';
const STATE_VERSION = 1;

export interface MerchantRecord {
  merchantId: string;
  name: string;
  publicKey: string;
  registeredAt: string;
}

export interface RefundRecord {
  refundNumber: string;
  amountMinor: number;
  reason: string;
  at: string;
}

export interface NotificationRecord {
  id: string;
  createdAt: string;
  attempts: number;
  lastAttemptAt: string | null;
  lastError: string | null;
  ackedAt: string | null;
  /** Notifications were switched off (fault control) when the trade was paid: never sent. */
  suppressed: boolean;
}

export interface TradeRecord {
  merchantId: string;
  tradeNumber: string;
  /** The gateway's own id for the trade (also names the phone page token). */
  providerRef: string;
  kind: 'qr' | 'code';
  amountMinor: number;
  currency: string;
  subject: string;
  orderNumber: string;
  notifyUrl: string | null;
  createdAt: string;
  expiresAt: string;
  status: GatewayTradeStatus;
  /** Why it is closed or failed: 'CLOSED_BY_MERCHANT', 'EXPIRED', 'DECLINED', 'REVERSED', ... */
  reason: string | null;
  paidAt: string | null;
  /** How many times money moved for this trade; the simulator's own proof of "never paid twice". */
  paidCount: number;
  /** Phone page token (QR trades only) and whether a Pay/Decline has used it. */
  token: string | null;
  tokenUsed: boolean;
  /** Code pay: queries left answering user_paying before the outcome. */
  userPayingLeft: number;
  /** Code pay: what happens after user_paying. */
  userPayingOutcome: 'paid' | 'failed' | null;
  refunds: RefundRecord[];
  notifications: NotificationRecord[];
}

export interface GatewayState {
  version: number;
  gatewayKey: { privateKey: string; publicKey: string };
  /** HMAC key for phone page tokens. */
  tokenKey: string;
  merchants: Record<string, MerchantRecord>;
  /** merchantId → tradeNumber → trade. */
  trades: Record<string, Record<string, TradeRecord>>;
  /** Request nonces seen within the allowed clock skew: nonce → Unix seconds seen. */
  nonces: Record<string, number>;
}

function freshState(): GatewayState {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return {
    version: STATE_VERSION,
    gatewayKey: { privateKey, publicKey },
    tokenKey: randomBytes(32).toString('hex'),
    merchants: {},
    trades: {},
    nonces: {},
  };
}

export interface Store {
  readonly state: GatewayState;
  save(): void;
}

/** Loads the state file, or creates one with new keys (a new install of the gateway). */
export function openStore(stateDir: string): Store {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(stateDir, STATE_FILE);
  let state: GatewayState;
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8')) as GatewayState;
    if (state.version !== STATE_VERSION) throw new Error(`${file}: unknown state version ${state.version}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    state = freshState();
  }
  const save = () => {
    const tmp = `${file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  };
  save();
  return { state, save };
}
