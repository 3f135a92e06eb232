// Which order the refund dialog is for: an order from history, or a text to find it by (a scanned receipt QR).
import { create } from 'zustand';
import { openDialog } from './ui';

export const useRefundTarget = create<{ orderId: number | null; text: string | null }>(() => ({
  orderId: null,
  text: null,
}));

/** Opens the refund dialog for an order, for the order a text names, or (neither) with its find field. */
export function openRefund(target: { orderId?: number; text?: string } = {}): void {
  useRefundTarget.setState({ orderId: target.orderId ?? null, text: target.text ?? null });
  openDialog('refund');
}
