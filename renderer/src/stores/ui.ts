// Screen state that is not the shop's data: which dialog is open, toasts, the pending quantity, link status.
import { create } from 'zustand';
import type { ApiError } from '../../../shared/api';
import type { Product } from '../../../shared/domain';

export type DialogName =
  | 'cash'
  | 'hold'
  | 'recall'
  | 'void'
  | 'orderDiscount'
  | 'lineDiscount'
  | 'history'
  | 'catalog'
  | 'settings'
  | 'clearDemo'
  | 'pay'
  | 'attention'
  | 'startupReport'
  | 'printOffers'
  | 'weigh'
  | 'refund'
  | 'zReport'
  | 'shift';

export interface Toast {
  id: number;
  kind: 'error' | 'info' | 'success';
  /** Translated at render time, so a language switch also changes toasts on screen. */
  key?: string;
  params?: Record<string, string | number>;
  error?: ApiError;
}

interface UiState {
  dialog: DialogName | null;
  /** The line a line-discount dialog is for. */
  dialogLineId: number | null;
  /** The sold-by-weight product the weigh dialog asks a weight for. */
  dialogProduct: Product | null;
  toasts: Toast[];
  /** "×3": the next product added comes in this quantity. */
  pendingQuantity: number | null;
  connected: boolean;
}

export const useUi = create<UiState>(() => ({
  dialog: null,
  dialogLineId: null,
  dialogProduct: null,
  toasts: [],
  pendingQuantity: null,
  connected: true,
}));

export function openDialog(dialog: DialogName, lineId: number | null = null): void {
  useUi.setState({ dialog, dialogLineId: lineId, dialogProduct: null });
}

/** Asks the weight of a sold-by-weight product tapped or picked in search (no scale label). */
export function openWeighDialog(product: Product): void {
  useUi.setState({ dialog: 'weigh', dialogLineId: null, dialogProduct: product });
}

export function closeDialog(): void {
  useUi.setState({ dialog: null, dialogLineId: null, dialogProduct: null });
}

let nextToastId = 1;
const TOAST_MS = { error: 5000, info: 3500, success: 3500 };

export function showToast(toast: Omit<Toast, 'id'>): void {
  const id = nextToastId++;
  // Newest last; at most four on screen so a burst of unknown scans can't bury the cart.
  useUi.setState((s) => ({ toasts: [...s.toasts.slice(-3), { ...toast, id }] }));
  setTimeout(() => dismissToast(id), TOAST_MS[toast.kind]);
}

export function showError(error: ApiError): void {
  showToast({ kind: 'error', error });
}

export function dismissToast(id: number): void {
  useUi.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}
