// What the cashier's gestures do: scans, taps on products, Enter in the search box, shortcuts.
import { openGuardedDialog } from '../stores/staff';
import i18next from 'i18next';
import type { Product } from '../../../shared/domain';
import { beep } from '../beep';
import { displayName } from '../format';
import type { Scan } from '../scanner';
import { isTextField, setFieldValue, setPendingQuantity } from '../scannerDom';
import { cart, scanScaleLabel, scanToCart, useCart } from '../stores/cart';
import { clearQuantityPrefix, currentResults, searchQuery, setSearchText, useCatalog } from '../stores/catalog';
import { chargeCode, checkoutShowsPaid, codeOutsideCheckout, paymentIsOpenForCart } from '../stores/payment';
import { scansSettled, usePending } from '../stores/pending';
import { cachedProduct } from '../stores/scanCache';
import { useSettings } from '../stores/settings';
import { closeDialog, type DialogName, openWeighDialog, showError, showToast, useUi } from '../stores/ui';
import { openRefund } from '../stores/refund';
import { routeScan } from './scanRoute';
import { SHORTCUTS } from './shortcutKeys';

export const SEARCH_INPUT_ID = 'till-search';

export function focusSearch(select = false): void {
  const el = document.getElementById(SEARCH_INPUT_ID) as HTMLInputElement | null;
  el?.focus();
  if (select) el?.select();
}

/** The pending "×3" goes with this product, then is gone. */
function takeQuantity(): number {
  const q = useUi.getState().pendingQuantity ?? 1;
  setPendingQuantity(null);
  clearQuantityPrefix();
  return q;
}

export function handleScan(scan: Scan): void {
  const { dialog } = useUi.getState();
  // A finished sale's screen: the cash change (the cart is empty again) or QR paid.
  const saleDone =
    (dialog === 'cash' && !useCart.getState().order?.lines.length) || (dialog === 'pay' && checkoutShowsPaid());
  const route = routeScan(scan.barcode, {
    dialog,
    paymentOpen: paymentIsOpenForCart(),
    saleDone,
    scale: useSettings.getState().settings?.scaleBarcodes ?? null,
  });
  switch (route) {
    case 'scaleFirst':
      void scaleFirst(scan.barcode, dialog === 'pay' && !saleDone, saleDone);
      return;
    case 'catalog':
      // A scan while managing the catalog finds the product there instead of selling it.
      useCatalog.setState({ adminText: scan.barcode });
      return;
    case 'payCode':
      void chargeCode(scan.barcode);
      return;
    case 'codeOutsideCheckout':
      codeOutsideCheckout(scan.barcode, SHORTCUTS.qrPay);
      return;
    case 'cartLocked':
      beep();
      showError({ code: 'CART_LOCKED', message: 'The cart is locked while a payment is open' });
      return;
    case 'refundReceipt':
      openRefund({ text: scan.barcode });
      return;
    case 'nextSale':
      // The next customer's first scan closes the previous sale's screen.
      closeDialog();
      break;
  }
  // A weighed product's own code (no scale label on it): ask its weight, as a tap on it does.
  const known = cachedProduct(scan.barcode);
  if (known?.active && known.soldByWeight) {
    void addProduct({ ...known, category: '' });
    return;
  }
  void scanToCart(scan.barcode, scan.quantity);
}

/** Sold as a scale label if one of ours, the cart saying so; else the payment code it looks like. */
async function scaleFirst(code: string, inCheckout: boolean, saleDone: boolean): Promise<void> {
  const sold = await scanScaleLabel(code);
  if (sold.result === 'added') {
    if (saleDone) closeDialog();
    showToast({
      kind: 'info',
      key: 'cart.scaleNotPayCode',
      params: { name: displayName(sold.line, i18next.language) },
    });
  } else if (sold.result === 'notAnItem') {
    if (inCheckout) void chargeCode(code);
    else codeOutsideCheckout(code, SHORTCUTS.qrPay);
  }
}

export function addProduct(product: Product): Promise<boolean> {
  // Its price is per kg: the cashier says how much (a scale label carries the weight itself).
  if (product.soldByWeight) {
    takeQuantity();
    openWeighDialog(product);
    return Promise.resolve(false);
  }
  return cart.addProduct(product.id, takeQuantity());
}

/** A code from the serial scanner: the same as a keyboard-wedge scan, with the pending "×3". */
export function handleSerialScan(barcode: string): void {
  // A field that takes codes as text (a product's barcode, the catalog search) gets it, as with the wedge.
  const active = document.activeElement;
  if (isTextField(active) && active.closest('[data-scan="field"]')) {
    setFieldValue(active, barcode);
    return;
  }
  const quantity = useUi.getState().pendingQuantity ?? 1;
  setPendingQuantity(null);
  // The "3*" typed into the search box went with this code.
  if (quantity !== 1) clearQuantityPrefix();
  handleScan({ barcode, quantity, context: undefined });
}

let adding = false;

/** Enter in the search box: adds the product the box names exactly, or the only one it finds. */
export async function addFromSearch(): Promise<void> {
  const query = searchQuery(useCatalog.getState().text);
  if (!query || adding) return;
  adding = true;
  try {
    const items = await currentResults();
    if (searchQuery(useCatalog.getState().text) !== query) return; // typed on meanwhile
    const target = items.find((p) => p.barcode === query) ?? (items.length === 1 ? items[0] : undefined);
    if (target) {
      // A weighed product opens the weigh dialog: the box is done with either way.
      if ((await addProduct(target)) || target.soldByWeight) setSearchText('');
    } else if (items.length === 0 && /^\d{4,}$/.test(query)) {
      // A code typed by hand: the till looks it up (and says so if it is unknown).
      if (await cart.scan(query, takeQuantity())) setSearchText('');
    } else if (items.length === 0) {
      showToast({ kind: 'info', key: 'search.noMatch', params: { query } });
    }
  } finally {
    adding = false;
  }
}

/** Dialogs that act on the sale need something in the cart. */
const NEEDS_ITEMS = new Set<DialogName>(['cash', 'pay', 'hold', 'void', 'orderDiscount']);

export function openCashierDialog(name: DialogName): void {
  // The shortcuts and the buttons both come here: a dialog that acts on the sale uses the till's stored
  // total, so it waits for scans still on their way (drawn, not yet stored).
  if (NEEDS_ITEMS.has(name) && usePending.getState().scans.length) {
    void scansSettled().then(() => openCashierDialog(name));
    return;
  }
  if (NEEDS_ITEMS.has(name) && !useCart.getState().order?.lines.length) {
    showToast({ kind: 'info', key: 'actions.cartEmpty' });
    return;
  }
  void openGuardedDialog(name);
}

export function stepSelected(delta: 1 | -1): void {
  const id = useCart.getState().selectedLineId;
  if (id !== null) void cart.step(id, delta);
}

export function removeSelected(): void {
  const id = useCart.getState().selectedLineId;
  if (id !== null) void cart.removeLine(id);
}

export function moveSelection(delta: 1 | -1): void {
  const { order, selectedLineId } = useCart.getState();
  const lines = order?.lines ?? [];
  if (!lines.length) return;
  const i = lines.findIndex((l) => l.id === selectedLineId);
  const next = i < 0 ? (delta > 0 ? 0 : lines.length - 1) : Math.min(lines.length - 1, Math.max(0, i + delta));
  useCart.setState({ selectedLineId: lines[next].id });
}
