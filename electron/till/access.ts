// Who may call what. Every API method is listed (the Record makes a new method fail to compile until it is), so
// nothing is reachable by accident: 'open' needs nobody (the lock screen, the customer display, status reads),
// 'signedIn' needs a PIN typed at this till, and an action needs that role or an owner's approval
// (staff.approve). Actions whose check depends on the input (a discount over the threshold, a void after the
// customer saw the total, a refund) are checked by their handler, inside its transaction, and are 'signedIn' here.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { MethodName } from '../../shared/api';
import type { StaffAction } from '../../shared/staff';
import type { Handlers } from '../core/types';
import type { Authorized, StaffGate } from './staff';

export type Access = 'open' | 'signedIn' | StaffAction;

export const ACCESS: Readonly<Record<MethodName, Access>> = {
  'app.info': 'open',
  'settings.get': 'open',
  // The language alone is anyone's (the handler asks for 'settings' for everything else).
  'settings.update': 'signedIn',
  'catalog.clearDemo': 'catalog',
  'catalog.categories': 'open',
  'catalog.scanCache': 'open',
  'products.lookup': 'open',
  'products.search': 'open',
  'products.save': 'catalog',
  'products.importPreview': 'catalog',
  'products.import': 'catalog',
  'products.exportCsv': 'catalog',
  'cart.get': 'open',
  'cart.scan': 'signedIn',
  'cart.addProduct': 'signedIn',
  'cart.addWeighed': 'signedIn',
  'cart.setQuantity': 'signedIn',
  'cart.removeLine': 'signedIn',
  'cart.setLineDiscount': 'signedIn',
  'cart.setOrderDiscount': 'signedIn',
  'cart.setPrice': 'signedIn',
  'cart.void': 'signedIn',
  'cart.hold': 'signedIn',
  'cart.recall': 'signedIn',
  'orders.held': 'signedIn',
  'checkout.cash': 'signedIn',
  'checkout.cashPart': 'signedIn',
  'pay.options': 'open',
  'pay.start': 'signedIn',
  'pay.withCode': 'signedIn',
  'pay.current': 'open',
  'pay.check': 'signedIn',
  'pay.cancel': 'signedIn',
  'pay.abandon': 'signedIn',
  'pay.confirmByHand': 'signedIn',
  'pay.lookup': 'signedIn',
  'pay.startupReport': 'open',
  'attention.list': 'open',
  'attention.resolve': 'signedIn',
  'orders.today': 'signedIn',
  'display.get': 'open',
  'display.prompt': 'signedIn',
  'paySettings.get': 'settings',
  'paySettings.save': 'settings',
  'paySettings.remove': 'settings',
  'paySettings.import': 'settings',
  'paySettings.test': 'settings',
  'paySettings.testPay': 'settings',
  'paySettings.testPayCheck': 'settings',
  'paySettings.testPayCancel': 'settings',
  'printer.status': 'open',
  'printer.offers': 'open',
  'printer.reprint': 'signedIn',
  'printer.dismiss': 'signedIn',
  'printer.openDrawer': 'openDrawerNoSale',
  'printer.testDrawer': 'settings',
  'printer.testPage': 'settings',
  'printer.preview': 'signedIn',
  'printer.targets': 'settings',
  'scanner.status': 'open',
  'scanner.ports': 'settings',
  'scanner.claim': 'open',
  'journal.verify': 'reports',
  'reports.exportCsv': 'reports',
  'reports.get': 'reports',
  'reports.printable': 'reports',
  'reports.pdf': 'reports',
  'journal.trail': 'reports',
  'reconcile.day': 'reports',
  'reconcile.refresh': 'reports',
  // Risk alerts: the list is the owner's; the lock screen shows only a count (anyone can see a lock screen).
  'alerts.list': 'reports',
  'alerts.summary': 'open',
  'alerts.seen': 'reports',
  'staff.status': 'open',
  'staff.setupOwner': 'open',
  'staff.unlock': 'open',
  'staff.lock': 'open',
  // The owner's own checks (staff.ts requireOwner) decide; an approval does not make a cashier a manager.
  'staff.list': 'signedIn',
  'staff.save': 'signedIn',
  'staff.approve': 'signedIn',
  // Finding and previewing is anyone's; refund.make asks for 'refund' itself, after checking the lines.
  'refund.find': 'signedIn',
  'refund.preview': 'signedIn',
  'refund.make': 'signedIn',
  'refund.check': 'signedIn',
  // The checklist is shown before asking; z.make asks for 'reports' itself (with its approvalId).
  'z.checklist': 'signedIn',
  'z.make': 'signedIn',
  'z.list': 'reports',
  'z.get': 'reports',
  'z.reprint': 'reports',
  // Shifts: the module shows expected cash and others' reports only to a role allowed 'reports'.
  'shift.open': 'signedIn',
  'shift.current': 'signedIn',
  'shift.cashMove': 'signedIn',
  'shift.checklist': 'signedIn',
  'shift.close': 'signedIn',
  'shift.report': 'signedIn',
  'shift.print': 'signedIn',
  'shift.list': 'signedIn',
};

/**
 * The person a call is made by, for everything it does (also after an await): the journal records them as `by`.
 * Work the till does by itself (a late payment found by the query loop, the startup check) has none.
 */
const actor = new AsyncLocalStorage<Authorized>();

/** Who the call being served is by, and the owner who approved it (an approved action). */
export function currentActor(): Authorized | null {
  return actor.getStore() ?? null;
}

/** The handlers with each one's access checked first (after the router validated the input). */
export function guardHandlers(handlers: Handlers, staff: StaffGate): Handlers {
  const guarded: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers) as [MethodName, (...a: unknown[]) => unknown][]) {
    const access = ACCESS[method];
    if (access === 'open') {
      guarded[method] = handler;
      continue;
    }
    guarded[method] = (...args: unknown[]) => {
      const who: Authorized =
        access === 'signedIn'
          ? { by: staff.requireSignedIn(), approvedBy: null, approvalId: null }
          : staff.authorize(access);
      return actor.run(who, () => handler(...args));
    };
  }
  return guarded as Handlers;
}
