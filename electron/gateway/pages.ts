// The phone pages of the Demo gateway: what a customer sees after scanning the QR. Rendered on the server as
// plain HTML (no script, no external resource), in zh-CN or English by Accept-Language. Tokens live here too:
// `<providerRef>.<expiry seconds>.<HMAC-SHA256>`, single-use and expiring with the trade.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { formatMoney } from '../../shared/money';

export type PageLang = 'en' | 'zh-CN';

const en = {
  title: 'Demo Pay',
  banner: 'DEMO – no money moved',
  payTo: 'Pay to',
  amount: 'Amount',
  order: 'Order',
  pay: 'Pay',
  decline: 'Decline',
  paidTitle: 'Paid',
  paidBody: 'The shop has been told. You can close this page.',
  declinedTitle: 'Declined',
  declinedBody: 'Nothing was paid. You can close this page.',
  cannotPay: 'Cannot pay',
  badToken: 'This payment link is not valid.',
  expired: 'This payment link has expired. Ask the cashier for a new QR code.',
  used: 'This payment link has already been used.',
  alreadyPaid: 'This order is already paid.',
  closed: 'This payment was cancelled or has expired. Ask the cashier for a new QR code.',
  failed: 'This payment was declined.',
  refunded: 'This payment was refunded.',
  notFound: 'Page not found.',
  notAllowed: 'This action is not allowed here.',
};

export type PageStrings = typeof en;

const zhCN: PageStrings = {
  title: '演示支付',
  banner: '演示 – 未发生真实扣款',
  payTo: '收款方',
  amount: '金额',
  order: '订单号',
  pay: '支付',
  decline: '拒绝',
  paidTitle: '支付成功',
  paidBody: '商家已收到通知。您可以关闭此页面。',
  declinedTitle: '已拒绝',
  declinedBody: '未付款。您可以关闭此页面。',
  cannotPay: '无法支付',
  badToken: '此支付链接无效。',
  expired: '此支付链接已过期，请向收银员索取新的二维码。',
  used: '此支付链接已被使用。',
  alreadyPaid: '此订单已支付。',
  closed: '此笔支付已取消或已过期，请向收银员索取新的二维码。',
  failed: '此笔支付已被拒绝。',
  refunded: '此笔支付已退款。',
  notFound: '页面不存在。',
  notAllowed: '此处不允许该操作。',
};

export const PAGE_STRINGS: Record<PageLang, PageStrings> = { en, 'zh-CN': zhCN };

/** The customer's preferred of our two languages (highest q wins; English when nothing matches). */
export function pickLang(acceptLanguage: string | undefined): PageLang {
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.tag && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranges) {
    if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN';
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
  }
  return 'en';
}

// --- Tokens ---------------------------------------------------------------------------------------------

function mac(key: string, payload: string): string {
  return createHmac('sha256', Buffer.from(key, 'hex')).update(payload).digest('base64url');
}

export function makeToken(key: string, providerRef: string, expiresAt: Date): string {
  const payload = `${providerRef}.${Math.ceil(expiresAt.getTime() / 1000)}`;
  return `${payload}.${mac(key, payload)}`;
}

/** Exact string comparison without leaking where two tokens differ. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The trade a well-formed, correctly signed token names, or null. Expiry and use are checked by the caller. */
export function readToken(key: string, token: string): { providerRef: string; expiresAtMs: number } | null {
  const m = /^([A-Za-z0-9]{6,40})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  if (!sameToken(m[3], mac(key, `${m[1]}.${m[2]}`))) return null;
  return { providerRef: m[1], expiresAtMs: Number(m[2]) * 1000 };
}

// --- HTML -----------------------------------------------------------------------------------------------

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export interface RenderedPage {
  html: string;
  /** Content-Security-Policy for this answer: nothing but our own inline style (by nonce) and same-origin forms. */
  csp: string;
}

const STYLE = `
body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
.demo{background:#b00020;color:#fff;text-align:center;font-weight:700;padding:.7rem;letter-spacing:.03em}
main{max-width:26rem;margin:1.5rem auto;padding:1.25rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:.2rem 0 1rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem;margin:0 0 1.5rem}
dt{color:#5b6475}dd{margin:0;font-weight:600;text-align:right}
.amount{font-size:2rem}
form{margin:.6rem 0}
button{width:100%;font-size:1.15rem;padding:.9rem;border-radius:10px;border:0;cursor:pointer}
.pay{background:#1a7f37;color:#fff}.decline{background:#e6e8ec;color:#1d2330}
p.msg{font-size:1.1rem}`;

function shell(lang: PageLang, heading: string, content: string): RenderedPage {
  const t = PAGE_STRINGS[lang];
  const nonce = randomBytes(12).toString('base64');
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(t.title)}</title>
<style nonce="${nonce}">${STYLE}</style></head>
<body><div class="demo" role="alert">${escapeHtml(t.banner)}</div>
<main><h1>${escapeHtml(heading)}</h1>${content}</main></body></html>`;
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

export interface PageTrade {
  merchantName: string;
  amountMinor: number;
  currency: string;
  orderNumber: string;
}

function details(lang: PageLang, trade: PageTrade): string {
  const t = PAGE_STRINGS[lang];
  const amount = formatMoney(trade.amountMinor, trade.currency, lang);
  return `<dl><dt>${escapeHtml(t.payTo)}</dt><dd>${escapeHtml(trade.merchantName)}</dd>
<dt>${escapeHtml(t.order)}</dt><dd>${escapeHtml(trade.orderNumber)}</dd>
<dt>${escapeHtml(t.amount)}</dt><dd class="amount">${escapeHtml(amount)}</dd></dl>`;
}

/** The page with Pay and Decline. The forms carry nothing: the trade's own amount is what gets paid. */
export function payPage(lang: PageLang, token: string, trade: PageTrade): RenderedPage {
  const t = PAGE_STRINGS[lang];
  const base = escapeHtml(encodeURIComponent(token));
  return shell(
    lang,
    t.title,
    `${details(lang, trade)}
<form method="post" action="${base}/pay"><button class="pay" type="submit">${escapeHtml(t.pay)}</button></form>
<form method="post" action="${base}/decline"><button class="decline" type="submit">${escapeHtml(t.decline)}</button></form>`,
  );
}

export function donePage(lang: PageLang, outcome: 'paid' | 'declined', trade: PageTrade): RenderedPage {
  const t = PAGE_STRINGS[lang];
  const [title, body] = outcome === 'paid' ? [t.paidTitle, t.paidBody] : [t.declinedTitle, t.declinedBody];
  return shell(lang, title, `${details(lang, trade)}<p class="msg">${escapeHtml(body)}</p>`);
}

export type RefusalReason = Exclude<
  keyof PageStrings,
  | 'title'
  | 'banner'
  | 'payTo'
  | 'amount'
  | 'order'
  | 'pay'
  | 'decline'
  | 'paidTitle'
  | 'paidBody'
  | 'declinedTitle'
  | 'declinedBody'
  | 'cannotPay'
>;

/** A 4xx page that says why; shows the order when the token was good enough to name one. */
export function refusalPage(lang: PageLang, reason: RefusalReason, trade?: PageTrade): RenderedPage {
  const t = PAGE_STRINGS[lang];
  return shell(lang, t.cannotPay, `${trade ? details(lang, trade) : ''}<p class="msg">${escapeHtml(t[reason])}</p>`);
}
