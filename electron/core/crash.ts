// Named crash points, so tests can kill the process exactly where a sale is half-written and prove
// that after a restart it is wholly there or wholly absent. Inert unless TILLPOINT_CRASH_AT names the point.
export const CRASH_POINTS = [
  'cart.afterLineInsert',
  'sale.afterOrderUpdate',
  'sale.afterPaymentInsert',
  'sale.beforeCommit',
  'sale.afterCommit',
  // Scan to pay: the trade row is stored, the provider not yet asked.
  'pay.beforeProviderCreate',
  // The provider has the trade, our row does not know it yet.
  'pay.afterProviderCreate',
  // The provider closed the trade, our row still says closing.
  'pay.afterProviderClose',
  // A late payment's refund: the refund number is stored, the provider not yet asked / has refunded.
  'pay.beforeRefundCall',
  'pay.afterRefundCall',
  // Inside the transaction that marks a payment paid (and completes its order).
  'pay.afterPaymentPaid',
  'pay.beforeCommit',
  // A catalog import: after the slice that wrote past half of its rows, and after a slice of its undo.
  'import.halfWritten',
  'import.afterUndoSlice',
  // A receipt: its bytes all handed to the printer connection, the job still marked sent (not yet done).
  'print.afterSend',
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

// Read once: a crash point sits on the sale's hot path, and tests set it per process.
const armed = process.env.TILLPOINT_CRASH_AT;

export function crashPoint(name: CrashPoint): void {
  if (armed === name) {
    process.kill(process.pid, 'SIGKILL');
  }
}
