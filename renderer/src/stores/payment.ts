// Checkout with wallets and bank QR: the payment attempt the cashier is looking at, the methods on
// offer, and the attention count. Fed by call replies, pay.current polls and payment.changed pushes;
// an older view never replaces a newer one (paymentText.isNewerPayment).
import { create } from 'zustand';
import type {
  ApiError,
  MethodInput,
  MethodName,
  MethodOutput,
  PayOption,
  PayView,
  StartupReport,
} from '../../../shared/api';
import type { Order, Payment } from '../../../shared/domain';
import { isOpen, leadOf, maskPaymentCode } from '../../../shared/payment';
import { client } from '../api/client';
import { beep } from '../beep';
import { isNewerPayment } from '../paymentText';
import { applyOrder, useCart } from './cart';
import { openDialog, showError, showToast, useUi } from './ui';

export interface PayOptions {
  dueMinor: number;
  options: PayOption[];
}

interface PayState {
  /** The attempt the checkout dialog follows; null: it offers the methods. */
  activeId: number | null;
  /** The latest wallet/bank attempt of the cart the checkout dialog is about (never a cash part): the lead of its round. */
  payment: Payment | null;
  /** `payment`'s checkout round: the wallet QRs shown side by side (and a payment code that took over). */
  group: Payment[];
  /** F10 opened checkout and the wallet QRs are being made (no method list comes first). */
  starting: boolean;
  /** `payment`'s own order as the till last answered it (its number is reserved when the QR is made). */
  order: Order | null;
  options: PayOptions | null;
  /** The last refusal of a start or charge, shown in the dialog as well as a toast. */
  error: ApiError | null;
  /** "Scan customer code" was chosen: the dialog asks for the scan. */
  awaitingCode: boolean;
  attentionCount: number;
  /** What the startup check found, once it has something to tell (shown once per till run). */
  startupReport: StartupReport | null;
}

export const usePay = create<PayState>(() => ({
  activeId: null,
  payment: null,
  group: [],
  starting: false,
  order: null,
  options: null,
  error: null,
  awaitingCode: false,
  attentionCount: 0,
  startupReport: null,
}));

/** Pushes seen so far: a poll answer read before the latest push may be older than it. */
let pushes = 0;

export function applyPayment(incoming: Payment): void {
  if (incoming.method === 'cash') return;
  const { payment, group } = usePay.getState();
  const round = group[0]?.groupId ?? null;
  let next: Payment;
  if (round !== null && incoming.groupId === round) {
    // A trade of the round on screen moved: the round's lead (the one that paid, a code that took over…) shows.
    const old = group.find((p) => p.id === incoming.id);
    if (old && !isNewerPayment(old, incoming)) return;
    const members = old
      ? group.map((p) => (p.id === incoming.id ? incoming : p))
      : [...group, incoming].sort((a, b) => a.id - b.id);
    next = leadOf(members) ?? incoming;
    usePay.setState({ group: members, payment: next });
  } else {
    if (!isNewerPayment(payment, incoming)) return;
    next = incoming;
    usePay.setState({
      payment: incoming,
      group: [incoming],
      ...(payment?.orderId !== incoming.orderId ? { order: null } : {}),
    });
  }
  // Paid while checkout is not on screen (closed with Esc): the cart just cleared, so say why.
  if (
    next.status === 'paid' &&
    next.id === incoming.id &&
    payment?.status !== 'paid' &&
    payment?.orderId === next.orderId
  ) {
    // A late payment completed nothing: it waits on the attention list.
    if (incoming.attention === 'late_payment') showToast({ kind: 'error', key: 'pay.late.toast' });
    else if (useUi.getState().dialog !== 'pay') showToast({ kind: 'success', key: 'pay.paidToast' });
  }
}

/** A reply's cart and payment. `checkedAt`: the push count when the request left (polls only). */
export function applyPayView(view: PayView, checkedAt?: number): void {
  const stale = checkedAt !== undefined && checkedAt !== pushes;
  applyOrder(view.cart, checkedAt === undefined);
  if (view.payment && !stale) {
    const shown = usePay.getState();
    const round = view.group[0]?.groupId ?? null;
    if (round !== null && shown.group[0]?.groupId !== round) {
      // A round seen for the first time replaces the one on screen, unless it is older than what is shown.
      if (isNewerPayment(shown.payment, view.payment) || view.group.some((p) => p.id === shown.payment?.id)) {
        usePay.setState({
          group: view.group,
          payment: view.payment,
          ...(shown.payment?.orderId !== view.payment.orderId ? { order: null } : {}),
        });
      }
    } else {
      for (const p of view.group) applyPayment(p);
      applyPayment(view.payment);
    }
  }
  // The payment's order, unless an answer read earlier (an older revision) arrives late.
  const { payment, order } = usePay.getState();
  if (payment?.orderId === view.order.id && (order?.id !== view.order.id || view.order.revision >= order.revision)) {
    usePay.setState({ order: view.order });
  }
}

type PayMethod = {
  [M in MethodName]: MethodOutput<M> extends PayView ? M : never;
}[MethodName];

/** Calls a method that answers with a PayView; shows a refusal as a toast (and keeps it for the dialog). */
async function payCall<M extends PayMethod>(method: M, input: MethodInput<M>): Promise<PayView | undefined> {
  const r = await client.call(method, input);
  if (!r.ok) {
    usePay.setState({ error: r.error });
    showError(r.error);
    return undefined;
  }
  const view = r.value as PayView;
  usePay.setState({ error: null });
  applyPayView(view);
  // The first trade of the round: the checkout follows the whole round from there.
  const first = view.group[0] ?? view.payment;
  if (first && view.payment?.method !== 'cash') usePay.setState({ activeId: first.id });
  return view;
}

export async function loadOptions(): Promise<PayOptions | undefined> {
  const r = await client.call('pay.options', {});
  if (!r.ok) {
    showError(r.error);
    return undefined;
  }
  usePay.setState({ options: r.value });
  return r.value;
}

/** pay.current, for the poller: never applies a view that a push overtook meanwhile. */
export async function refreshPayment(): Promise<void> {
  const at = pushes;
  const r = await client.call('pay.current', {});
  if (r.ok) applyPayView(r.value, at);
}

/** A new attempt (a retry gets a new trade number from the till); `amountMinor` defaults to all that is due. */
export function startPayment(method: 'qr' | 'bank_qr', amountMinor?: number) {
  usePay.setState({ awaitingCode: false });
  return payCall('pay.start', amountMinor === undefined ? { method } : { method, amountMinor });
}

export const checkPayment = (paymentId: number) => payCall('pay.check', { paymentId });
export const cancelPayment = (paymentId: number) => payCall('pay.cancel', { paymentId });
export const abandonPayment = (paymentId: number) => payCall('pay.abandon', { paymentId });
export const confirmByHand = (paymentId: number) => payCall('pay.confirmByHand', { paymentId });
export const cashPart = (amountMinor: number) => payCall('checkout.cashPart', { amountMinor });

let charging = false;

/**
 * The customer's payment code, read by the scanner. While wallet QRs show, the code takes over from them: the
 * till closes them and charges the code without waiting (a QR paid meanwhile is refunded, never kept twice).
 * A bank QR still showing is cancelled first (nobody can say whether the customer paid it).
 */
export async function chargeCode(code: string): Promise<void> {
  if (charging) {
    showToast({ kind: 'info', key: 'pay.codeBusy' });
    return;
  }
  charging = true;
  try {
    const current = usePay.getState().payment;
    const orderId = useCart.getState().order?.id;
    if (current && current.orderId === orderId && isOpen(current.status) && current.attention !== 'abandoned') {
      if (current.method === 'payment_code') {
        showToast({ kind: 'info', key: 'pay.codeBusy' });
        return;
      }
      if (current.method === 'qr' && current.groupId !== null) {
        usePay.setState({ awaitingCode: false });
        const view = await payCall('pay.withCode', { code });
        if (!view) beep();
        return;
      }
      const closed = await cancelPayment(current.id);
      const after = closed?.payment;
      if (!after || after.status === 'paid') return;
      if (isOpen(after.status)) {
        showToast({ kind: 'info', key: 'pay.codeWaitClose' });
        return;
      }
    }
    usePay.setState({ awaitingCode: false });
    const view = await payCall('pay.withCode', { code });
    if (!view) beep();
  } finally {
    charging = false;
  }
}

/** A code scanned where it cannot be used: said so, masked. */
export function codeOutsideCheckout(code: string, key: string): void {
  beep();
  showToast({ kind: 'info', key: 'pay.codeNeedsCheckout', params: { code: maskPaymentCode(code), key } });
}

/** Opening checkout: an open attempt of this cart is shown again. */
export function resetCheckout(): void {
  const order = useCart.getState().order;
  usePay.setState({
    error: null,
    awaitingCode: false,
    options: null,
    starting: false,
    activeId: order?.openPaymentId ?? null,
  });
}

/**
 * One press: checkout opened on a cart with nothing open puts the wallet QRs on the customer display at once.
 * When no wallet can take it, the refusal says why and the methods (bank QR, payment code, cash) show.
 */
export async function startWalletQrs(): Promise<void> {
  const order = useCart.getState().order;
  if (!order || order.lines.length === 0 || order.dueMinor === 0 || order.openPaymentId !== null) return;
  usePay.setState({ starting: true });
  try {
    await startPayment('qr');
  } finally {
    usePay.setState({ starting: false });
  }
}

/** Another way to pay while the wallet QRs show: the round is cancelled first, then that way starts. */
export async function switchTo(way: 'bank_qr' | 'payment_code'): Promise<void> {
  const current = usePay.getState().payment;
  if (current && isOpen(current.status)) {
    const view = await cancelPayment(current.id);
    if (
      !view ||
      view.group.some((p) => isOpen(p.status) && p.attention !== 'abandoned') ||
      view.payment?.status === 'paid'
    ) {
      if (view && view.payment?.status !== 'paid') showToast({ kind: 'info', key: 'pay.codeWaitClose' });
      return;
    }
  }
  if (way === 'bank_qr') await startPayment('bank_qr');
  else chooseMethod(true);
}

/** Back to the methods, waiting for the customer's payment code or not. */
export function chooseMethod(awaitingCode = false): void {
  usePay.setState({ activeId: null, awaitingCode, error: null });
}

/** The attempt the checkout dialog shows (a newer one of the same cart replaces it). */
export function shownPayment(s: PayState): Payment | null {
  return s.activeId !== null && s.payment && s.payment.id >= s.activeId ? s.payment : null;
}

/** The checkout dialog shows a paid sale: the next scan starts a new one. */
export function checkoutShowsPaid(): boolean {
  return shownPayment(usePay.getState())?.status === 'paid';
}

/** A payment holds the cart (the till's word for it: an abandoned attempt no longer does). */
export function paymentIsOpenForCart(): boolean {
  return (useCart.getState().order?.openPaymentId ?? null) !== null;
}

async function loadAttentionCount(): Promise<void> {
  const r = await client.call('attention.list', {});
  if (r.ok) usePay.setState({ attentionCount: r.value.length });
}

const REPORT_SEEN = 'tillpoint.startupReportSeen';

/** Opens the startup report once per till run (a reload of the page does not show it again). */
export function showStartupReport(report: StartupReport | undefined): void {
  if (!report?.done || (report.settled.length === 0 && report.unsettled === 0)) return;
  try {
    if (sessionStorage.getItem(REPORT_SEEN) === report.startedAt) return;
    sessionStorage.setItem(REPORT_SEEN, report.startedAt);
  } catch {
    // No storage (a locked-down browser): showing it again after a reload is the lesser harm.
  }
  usePay.setState({ startupReport: report });
  if (useUi.getState().dialog === null) openDialog('startupReport');
  else showToast({ kind: 'info', key: 'startup.toast' });
}

async function loadStartupReport(): Promise<void> {
  const r = await client.call('pay.startupReport', {});
  if (r.ok) showStartupReport(r.value);
}

export function syncPayments(): () => void {
  void loadAttentionCount();
  void loadStartupReport();
  const offs = [
    // While checkout waits for the customer's payment code, the customer display asks them to show it.
    usePay.subscribe((now, before) => {
      if (now.awaitingCode !== before.awaitingCode) {
        void client.call('display.prompt', { prompt: now.awaitingCode ? 'payment_code' : null });
      }
    }),
    client.on('pay.startupReport', showStartupReport),
    client.on('payment.changed', (p) => {
      pushes++;
      const order = useCart.getState().order;
      const shown = usePay.getState().payment;
      // Only this cart's attempts (or the one on screen): a late payment of an old order goes to the attention list.
      if (p.orderId === order?.id || p.id === shown?.id) applyPayment(p);
    }),
    client.on('attention.changed', ({ count }) => usePay.setState({ attentionCount: count })),
    client.onConnect(() => void loadAttentionCount()),
  ];
  return () => {
    for (const off of offs) off();
  };
}
