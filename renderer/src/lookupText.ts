// "I paid!": what a look-up's answer means for the cashier, as i18n keys. Pure: no DOM, no store.
import type { PayLookup } from '../../shared/api';

/** Our trade number or a wallet's own number, as the till takes it (shared/api.ts pay.lookup). */
export const LOOKUP_NUMBER = /^[0-9A-Za-z_\-|*]{6,64}$/;

export type WalletKey = 'lookup.wallet.alipay' | 'lookup.wallet.wechat' | 'lookup.wallet.demo' | 'lookup.wallet.other';

/** The wallet's name key; 'other' takes the provider id as {{name}}. */
export function walletKey(provider: string | null): WalletKey {
  if (provider === 'alipay') return 'lookup.wallet.alipay';
  if (provider === 'wechat') return 'lookup.wallet.wechat';
  if (provider === 'demo') return 'lookup.wallet.demo';
  return 'lookup.wallet.other';
}

export const ADVICE_KEYS = [
  'paidSale',
  'paidAttention',
  'paidRefunded',
  'paidMismatch',
  'paidOpen',
  'paidEnded',
  'paidNotOurs',
  'waiting',
  'closed',
  'refunded',
  'notFoundOurs',
  'notFound',
  'noneCanAsk',
] as const;
export type Advice = (typeof ADVICE_KEYS)[number];

/** What to tell the cashier (and whether "Check again" helps: a payment that arrived after it ended). */
export function adviceOf(r: PayLookup): { advice: Advice; check: boolean } {
  const ours = r.ours;
  const say = (advice: Advice, check = false) => ({ advice, check });
  switch (r.status) {
    case 'paid':
      if (!ours) return say('paidNotOurs');
      if (ours.reason === 'amount_mismatch') return say('paidMismatch');
      if (ours.status === 'refunded' || ours.status === 'partially_refunded') return say('paidRefunded');
      if (ours.status === 'paid') return say(ours.attention === null ? 'paidSale' : 'paidAttention');
      if (ours.status === 'expired' || ours.status === 'cancelled' || ours.status === 'failed') {
        return say('paidEnded', true);
      }
      return say('paidOpen');
    case 'waiting':
    case 'user_paying':
      return say('waiting');
    case 'closed':
    case 'failed':
      return say('closed');
    case 'refunded':
      return say('refunded');
    case 'not_found':
      if (ours) return say('notFoundOurs');
      return say(r.asked.length === 0 ? 'noneCanAsk' : 'notFound');
  }
}

/** Why a wallet could not answer, as a key of lookup.why. */
export function whyKey(reason: unknown): 'unreachable' | 'timeout' | 'bad_response' | 'server_error' | 'other' {
  return reason === 'unreachable' || reason === 'timeout' || reason === 'bad_response' || reason === 'server_error'
    ? reason
    : 'other';
}
