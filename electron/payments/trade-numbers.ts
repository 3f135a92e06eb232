// Merchant trade numbers and refund numbers, made before the provider is called and stored first.
import { randomInt } from 'node:crypto';
import { makeTradeNumber } from '../../shared/payment';
import type { Engine } from './engine';

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * terminal_yyyymmdd_sequence_<install><random>: the sequence and the install id live in the database, so a
 * restored backup would issue the same ones again; the random characters drawn per attempt keep it from
 * reusing a number. 29 characters for a till "T1", so a refund number (`-R<n>`) keeps all of them.
 * Inside the caller's transaction.
 */
export function newTradeNumber(engine: Engine, when: Date): string {
  const sequence = engine.payments.nextSequence(`trade:${engine.ctx.tillId}`);
  const terminal = engine.ctx.tillId.replace(/[^0-9A-Za-z]/g, '').slice(0, 8) || 'T';
  const install = (engine.ctx.repos.settings.get<string>('till.installId') ?? '').replace(/[^0-9A-Za-z]/g, '');
  const room = 32 - (terminal.length + 8 + Math.max(6, String(sequence).length) + 3);
  const randomLength = Math.min(6, room);
  let random = '';
  for (let i = 0; i < randomLength; i++) random += BASE36[randomInt(BASE36.length)];
  const installId = install.slice(0, Math.min(4, room - randomLength)) + random;
  return makeTradeNumber({ terminal, date: when, sequence, installId });
}

/**
 * The trade number with `-R<n>`, within the 32 characters providers accept. Ours are 29 for a two-letter
 * till, so it fits whole; a longer till id (or a tenth refund) cuts the end of the random part, which the
 * sequence before it keeps unique.
 */
export function refundNumberFor(tradeNumber: string, n: number): string {
  const suffix = `-R${n}`;
  return tradeNumber.slice(0, 32 - suffix.length) + suffix;
}
