// Shown on the buttons, so the table is the single source for both (the handler is in shortcuts.ts).
// F5 (reload), F11 (full screen) and F12 (developer tools) stay the browser's.
export const SHORTCUTS = {
  search: 'F1',
  cash: 'F2',
  hold: 'F3',
  recall: 'F4',
  void: 'F6',
  orderDiscount: 'F7',
  history: 'F8',
  catalog: 'F9',
  qrPay: 'F10',
} as const;
