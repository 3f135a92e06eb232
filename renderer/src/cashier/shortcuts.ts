// Keyboard shortcuts. Only F-keys, Esc, and + / - / Delete / arrows outside text fields: never digits,
// letters or Enter, which a barcode scanner types. Runs in the bubble phase, after the scanner's
// capture-phase listener, and ignores keys the scanner swallowed.
import { isLocked } from '../stores/staff';
import { closeTopModal, isModalOpen } from '../components/Modal';
import { isTextField, setPendingQuantity } from '../scannerDom';
import { setSearchText, useCatalog } from '../stores/catalog';
import type { DialogName } from '../stores/ui';
import { useUi } from '../stores/ui';
import { focusSearch, moveSelection, openCashierDialog, removeSelected, stepSelected } from './actions';

export { SHORTCUTS } from './shortcutKeys';

const F_KEYS: Record<string, DialogName> = {
  F2: 'cash',
  F3: 'hold',
  F4: 'recall',
  F6: 'void',
  F7: 'orderDiscount',
  F8: 'history',
  F9: 'catalog',
  F10: 'pay',
};

function onKeyDown(e: KeyboardEvent): void {
  if (isLocked()) return;
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return;
  if (e.key === 'Escape') {
    e.preventDefault();
    if (closeTopModal()) return;
    if (useUi.getState().pendingQuantity !== null) setPendingQuantity(null);
    if (useCatalog.getState().text) setSearchText('');
    return;
  }
  if (isModalOpen()) return;
  if (e.key === 'F1') {
    e.preventDefault();
    focusSearch(true);
    return;
  }
  const dialog = F_KEYS[e.key];
  if (dialog) {
    e.preventDefault();
    openCashierDialog(dialog);
    return;
  }
  if (isTextField(document.activeElement)) return;
  switch (e.key) {
    case '/':
      e.preventDefault();
      focusSearch(true);
      break;
    case '+':
    case '=':
      e.preventDefault();
      stepSelected(1);
      break;
    case '-':
      e.preventDefault();
      stepSelected(-1);
      break;
    case 'Delete':
      e.preventDefault();
      removeSelected();
      break;
    case 'ArrowUp':
      e.preventDefault();
      moveSelection(-1);
      break;
    case 'ArrowDown':
      e.preventDefault();
      moveSelection(1);
      break;
  }
}

export function bindShortcuts(): () => void {
  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}
