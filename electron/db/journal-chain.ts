// The journal's HMAC chain: what each entry's mac covers, and the key's fingerprint. Shared by the writer
// (journal.ts) and the checker (journal-verify.ts), so both compute exactly the same bytes.
import { createHmac } from 'node:crypto';

/** HKDF info for the chain key derived from the till's data key (SecretBox.derive, deriveFromKey). */
export const CHAIN_KEY_INFO = 'tillpoint journal chain';

/** A journal row as stored: the columns the mac covers. */
export interface ChainedContent {
  id: number;
  at: string;
  kind: string;
  order_id: number | null;
  payment_id: number | null;
  /** The JSON text exactly as stored (not re-serialised: key order and masking are part of what is signed). */
  data: string;
}

/** mac = HMAC-SHA256(key, prevMac || canonical(content)), hex. The first entry's prevMac is ''. */
export function entryMac(key: Buffer, prevMac: string, row: ChainedContent): string {
  const canonical = JSON.stringify([row.id, row.at, row.kind, row.order_id, row.payment_id, row.data]);
  return createHmac('sha256', key).update(`${prevMac}\n${canonical}`).digest('hex');
}

/** First 16 hex of HMAC(key, "fingerprint"): names a key without revealing it. */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('fingerprint').digest('hex').slice(0, 16);
}

export type SegmentReason = 'first' | 'key_changed' | 'upgraded';
