// Where a figure came from: an order with its whole journal, and any other entries a mismatch or an alert names
// (a no-sale drawer opening has no order). Read-only; the owner's (access 'reports').
import { TillError } from '../../shared/api';
import type { JournalTrail, TrailEntry } from '../../shared/report';
import { type JournalEntry, journalPerson } from '../db/journal';
import type { TillContext } from './context';
import type { OpenOrder } from './open-order';

const NAMES = new Set(['by', 'approvedBy', 'approvalId']);

function toTrailEntry(e: JournalEntry): TrailEntry {
  const rest = Object.fromEntries(Object.entries(e.data).filter(([k]) => !NAMES.has(k)));
  return {
    id: e.id,
    at: e.at,
    kind: e.kind,
    orderId: e.orderId,
    paymentId: e.paymentId,
    by: journalPerson(e.data.by)?.name ?? null,
    approvedBy: journalPerson(e.data.approvedBy)?.name ?? null,
    detail: JSON.stringify(rest),
  };
}

export function journalTrail(
  ctx: TillContext,
  orders: OpenOrder,
  orderId: number | undefined,
  ids: readonly number[],
): JournalTrail {
  return ctx.tx(() => {
    let order: JournalTrail['order'] = null;
    const entries = new Map<number, JournalEntry>();
    if (orderId !== undefined) {
      if (!ctx.repos.orders.byId(orderId)) {
        throw new TillError('ORDER_NOT_FOUND', `No order ${orderId}`, { orderId });
      }
      order = orders.orderById(orderId);
      for (const e of ctx.repos.journal.forOrder(orderId)) entries.set(e.id, e);
    }
    for (const e of ctx.repos.journal.byIds(ids)) entries.set(e.id, e);
    return { order, entries: [...entries.values()].sort((a, b) => a.id - b.id).map(toTrailEntry) };
  });
}
