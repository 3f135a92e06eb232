// Where a scan goes, decided from the screen's state alone (pure, so it is tested without a DOM).
import { looksLikePaymentCode } from '../../../shared/payment';
import { parseOrderQrPayload } from '../../../shared/receipt';
import { readScaleCode, type ScaleSettings } from '../../../shared/scale';
import type { DialogName } from '../stores/ui';

export type ScanRoute =
  /** The catalog manager's search box takes it. */
  | 'catalog'
  /** A customer's payment code while checkout is open: charge it (pay.withCode). */
  | 'payCode'
  /** A payment code outside checkout: never sold as a product, never shown in full; say to press QR pay. */
  | 'codeOutsideCheckout'
  /** A product while a payment is open: refused here (the till would answer CART_LOCKED too). */
  | 'cartLocked'
  /** The next customer's first item: close the finished sale's screen, then sell it. */
  | 'nextSale'
  /**
   * A scale label of the shop's template that also has a payment code's shape (an 18-digit label starting
   * 25-29 is an Alipay code's too): sold as a label first, the cart saying why; a label whose item no
   * product has goes on as the payment code it then is.
   */
  | 'scaleFirst'
  /** A receipt's QR (TPO-…) with no payment open: the refund dialog for its order. */
  | 'refundReceipt'
  | 'cart';

export interface ScanScreen {
  dialog: DialogName | null;
  /** A payment attempt for this cart is open (created, pending, unknown, closing). */
  paymentOpen: boolean;
  /** The dialog on screen shows a finished sale (cash change or QR paid). */
  saleDone: boolean;
  /** The shop's scale label settings (null until the settings are loaded). */
  scale: ScaleSettings | null;
}

export function routeScan(barcode: string, screen: ScanScreen): ScanRoute {
  if (screen.dialog === 'catalog') return 'catalog';
  if (looksLikePaymentCode(barcode)) {
    // While a payment is open the cart takes nothing, so the code can only be the customer's.
    const label = !screen.paymentOpen && screen.scale && readScaleCode(barcode, screen.scale).kind === 'label';
    if (label) return 'scaleFirst';
    return screen.dialog === 'pay' ? 'payCode' : 'codeOutsideCheckout';
  }
  if (screen.paymentOpen) return 'cartLocked';
  if (parseOrderQrPayload(barcode)) return 'refundReceipt';
  if (screen.saleDone) return 'nextSale';
  return 'cart';
}
