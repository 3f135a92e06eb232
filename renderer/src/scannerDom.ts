// The DOM side of the scanner: one window-level keydown listener in the capture phase, so a scan is
// seen before any focused element or React handler, wherever focus is.
import { isLocked } from './stores/staff';
import { type Scan, ScanDetector } from './scanner';
import { useUi } from './stores/ui';

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** With each key: the text field focus was in, and its value before the key. */
interface KeyContext {
  field: TextField;
  value: string;
}

export const detector = new ScanDetector<KeyContext>();

/** The one way to change the pending quantity, so the detector and the screen agree. */
export function setPendingQuantity(quantity: number | null): void {
  detector.pendingQuantity = quantity;
  if (useUi.getState().pendingQuantity !== quantity) useUi.setState({ pendingQuantity: quantity });
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'number', 'tel', 'email', 'url', 'password', '']);

export function isTextField(el: Element | null): el is TextField {
  if (el instanceof HTMLTextAreaElement) return !el.readOnly;
  return el instanceof HTMLInputElement && TEXT_INPUT_TYPES.has(el.type) && !el.readOnly;
}

/** Sets a (React-controlled) field's value the way typing would, so its onChange sees it. */
export function setFieldValue(el: TextField, value: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export interface ScanContext {
  /** The text field focus was in; its value is already restored to what it was before the scan. */
  field: TextField | null;
}

export function bindScanner(onScan: (scan: Scan, ctx: ScanContext) => void): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (isLocked()) return;
    const active = document.activeElement;
    const text = isTextField(active);
    const quantityBefore = detector.pendingQuantity;
    const d = detector.feed(
      {
        key: e.key,
        code: e.code,
        time: e.timeStamp,
        isComposing: e.isComposing,
        shiftKey: e.shiftKey,
        ctrlKey: e.ctrlKey,
        altKey: e.altKey,
        metaKey: e.metaKey,
        target: text ? 'text' : 'other',
      },
      text ? { field: active, value: active.value } : undefined,
    );
    if (d.swallow) {
      e.preventDefault();
      e.stopPropagation();
    }
    if (!d.scan) {
      if (d.quantity !== undefined) setPendingQuantity(d.quantity);
      return;
    }
    const start = d.scan.context;
    const typedInto = start && start.field === active ? start.field : null;
    // A field marked data-scan="field" (a product's barcode, a catalog search) takes the code as text.
    if (active?.closest('[data-scan="field"]')) {
      detector.pendingQuantity = quantityBefore;
      return;
    }
    setPendingQuantity(null);
    // The request first; tidying the field re-renders it while the till answers.
    onScan(d.scan, { field: typedInto });
    if (typedInto && start) setFieldValue(typedInto, quantityBefore !== null ? stripPrefix(start.value) : start.value);
  };

  window.addEventListener('keydown', onKeyDown, true);
  return () => window.removeEventListener('keydown', onKeyDown, true);
}

/** "3*" typed before the scan was its quantity: it goes with the scan. */
function stripPrefix(value: string): string {
  return value.replace(/^\s*\d{1,4}\*/, '');
}
