// Simulated customer payment codes (B-scan-C). Any code that shared/payment.ts routePaymentCode accepts
// (Alipay-like: 16-24 digits starting 25-30; WeChat-like: 18 digits starting 10-15) works; its last four
// digits choose what the "customer" does:
//
//   …0000  paid at once
//   …1111  user_paying (customer confirms in the wallet), paid after `userPayingQueries` queries (default 2)
//   …2222  user_paying, then failed (DECLINED) after `userPayingQueries` queries
//   …9999  declined at once                     → DECLINED
//   …8888  insufficient funds                   → INSUFFICIENT_FUNDS
//   other  paid at once
//
// e.g. 280000000000000000 (paid), 280000000000001111 (user paying, then paid), 134567890123459999 (declined).
// The simulator, like a real provider, never logs a code in full (maskPaymentCode).
import { routePaymentCode } from '../../shared/payment';

export type CodeOutcome =
  | { kind: 'invalid' }
  | { kind: 'paid' }
  | { kind: 'user_paying'; outcome: 'paid' | 'failed' }
  | { kind: 'refused'; code: 'DECLINED' | 'INSUFFICIENT_FUNDS' };

export function codeOutcome(authCode: string): CodeOutcome {
  if (authCode !== authCode.trim() || !routePaymentCode(authCode)) return { kind: 'invalid' };
  switch (authCode.slice(-4)) {
    case '1111':
      return { kind: 'user_paying', outcome: 'paid' };
    case '2222':
      return { kind: 'user_paying', outcome: 'failed' };
    case '9999':
      return { kind: 'refused', code: 'DECLINED' };
    case '8888':
      return { kind: 'refused', code: 'INSUFFICIENT_FUNDS' };
    default:
      return { kind: 'paid' };
  }
}
