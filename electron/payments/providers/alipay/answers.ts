// The Alipay answer table: what each documented error code of the 当面付 APIs means for a payment. Only the
// codes listed here mean "not paid" or a definite refusal; ACQ.SYSTEM_ERROR, 429, 5xx, timeouts and ANY code
// not listed are an unknown outcome (ProviderError 'server_error'), settled by query or cancel/close.
//
// OpenAPI v3 errors come back as HTTP 4xx/5xx with a JSON body `{code, message}`; the codes are the v2
// `sub_code`s (ACQ.*) for business refusals and the v3 public codes for the call itself.
// Sources:
//   [pay]     alipay.trade.pay 错误码        https://opendocs.alipay.com/open/02ekfp (v3: open-v3/08c7f9f8_alipay.trade.pay)
//   [pre]     alipay.trade.precreate 错误码  https://opendocs.alipay.com/open/02ekfg
//   [query]   alipay.trade.query 错误码      https://opendocs.alipay.com/open/02ekfh
//   [close]   alipay.trade.close 错误码      https://opendocs.alipay.com/open/02ekfj
//   [cancel]  alipay.trade.cancel 错误码     https://opendocs.alipay.com/open/02ekfi
//   [refund]  alipay.trade.refund 错误码     https://opendocs.alipay.com/open/02ekfk
//   [bill]    alipay.data.dataservice.bill.downloadurl.query https://opendocs.alipay.com/open/02e7gr
//   [v3]      v3 公共错误码                  https://opendocs.alipay.com/open-v3/054fcv
//   [common]  网关返回码 (10000 成功, 10003 等待用户付款, 20000 未知) https://opendocs.alipay.com/common/02km9f
// "[unverified]" marks a row whose exact code string could not be confirmed from the documents.
import type { ConnectionProblem, ProviderRefusal } from '../../provider';

export type AnswerMeaning =
  /** A definite refusal: nothing was taken (the engine marks the attempt failed or the call refused). */
  | { kind: 'refusal'; refusal: ProviderRefusal }
  /** The trade does not exist at Alipay (query: not_found; close/cancel: nothing to close). */
  | { kind: 'not_found' }
  /** Bar-code pay: the customer is confirming in the app; poll with query. */
  | { kind: 'in_progress' }
  /** Listed so that nobody "fixes" it into a refusal: the outcome is unknown. */
  | { kind: 'unknown' }
  /** The call itself was refused (credentials, product, clock): a refusal, and what Test connection says. */
  | { kind: 'setup'; problem: ConnectionProblem }
  /** Bill download: not generated yet / no bill for that day. */
  | { kind: 'bill_not_ready' }
  | { kind: 'bill_none' };

export interface AnswerRow {
  code: string;
  means: AnswerMeaning;
  /** What Alipay says it means. */
  note: string;
  source: string;
}

const refusal = (r: ProviderRefusal): AnswerMeaning => ({ kind: 'refusal', refusal: r });
const setup = (problem: ConnectionProblem): AnswerMeaning => ({ kind: 'setup', problem });

export const ALIPAY_ANSWERS: readonly AnswerRow[] = [
  // ---- outcomes of a trade call ----
  {
    code: 'ACQ.TRADE_NOT_EXIST',
    means: { kind: 'not_found' },
    note: '交易不存在 (precreate: until the buyer scans)',
    source: '[query] [close] [cancel] [refund]',
  },
  {
    code: '10003',
    means: { kind: 'in_progress' },
    note: '等待用户付款 (ORDER_SUCCESS_PAY_INPROCESS)',
    source: '[common] [pay]',
  },
  {
    code: 'ACQ.SYSTEM_ERROR',
    means: { kind: 'unknown' },
    note: '系统错误: query again / cancel',
    source: '[pay] [query] [close] [cancel] [refund]',
  },
  { code: '20000', means: { kind: 'unknown' }, note: '服务不可用 (unknown result)', source: '[common]' },
  // ---- definite refusals ----
  {
    code: 'ACQ.PAYMENT_AUTH_CODE_INVALID',
    means: refusal('INVALID_CODE'),
    note: '支付授权码无效: ask for a fresh code',
    source: '[pay]',
  },
  { code: 'ACQ.BUYER_BALANCE_NOT_ENOUGH', means: refusal('INSUFFICIENT_FUNDS'), note: '买家余额不足', source: '[pay]' },
  {
    code: 'ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH',
    means: refusal('INSUFFICIENT_FUNDS'),
    note: '用户银行卡余额不足',
    source: '[pay]',
  },
  {
    code: 'ACQ.PAYMENT_FAIL',
    means: refusal('DECLINED'),
    note: '支付失败: the buyer refreshes the code and pays again',
    source: '[pay]',
  },
  { code: 'ACQ.BUYER_SELLER_EQUAL', means: refusal('DECLINED'), note: '买卖家不能相同', source: '[pay]' },
  { code: 'ACQ.TRADE_BUYER_NOT_MATCH', means: refusal('DECLINED'), note: '交易买家不匹配', source: '[pay]' },
  { code: 'ACQ.BUYER_ENABLE_STATUS_FORBID', means: refusal('DECLINED'), note: '买家状态非法', source: '[pay]' },
  { code: 'ACQ.PAYMENT_REQUEST_HAS_RISK', means: refusal('DECLINED'), note: '支付有风险', source: '[pay]' },
  { code: 'ACQ.ERROR_BALANCE_PAYMENT_DISABLE', means: refusal('DECLINED'), note: '余额支付功能关闭', source: '[pay]' },
  { code: 'ACQ.BEYOND_PAY_RESTRICTION', means: refusal('DECLINED'), note: '商户收款额度超限', source: '[pay]' },
  {
    code: 'ACQ.BEYOND_PER_RECEIPT_RESTRICTION',
    means: refusal('AMOUNT_INVALID'),
    note: '商户收款金额超过月限额',
    source: '[pay]',
  },
  { code: 'ACQ.TOTAL_FEE_EXCEED', means: refusal('AMOUNT_INVALID'), note: '订单总金额超过限额', source: '[pay] [pre]' },
  { code: 'ACQ.TRADE_HAS_SUCCESS', means: refusal('TRADE_PAID'), note: '交易已被支付', source: '[pay] [pre]' },
  {
    code: 'ACQ.TRADE_HAS_FINISHED',
    means: refusal('TRADE_PAID'),
    note: '交易已完结 (paid, final)',
    source: '[pay] [pre] [refund]',
  },
  { code: 'ACQ.TRADE_HAS_CLOSE', means: refusal('TRADE_CLOSED'), note: '交易已经关闭', source: '[pay] [pre] [refund]' },
  {
    code: 'ACQ.CONTEXT_INCONSISTENT',
    means: refusal('TRADE_EXISTS'),
    note: '交易信息被篡改: same out_trade_no, other params',
    source: '[pay] [pre]',
  },
  {
    code: 'ACQ.INVALID_PARAMETER',
    means: refusal('INVALID_REQUEST'),
    note: '参数无效',
    source: '[pay] [pre] [query] [close] [cancel] [refund]',
  },
  {
    code: 'ACQ.EXIST_FORBIDDEN_WORD',
    means: refusal('INVALID_REQUEST'),
    note: '订单信息中包含违禁词',
    source: '[pay] [pre]',
  },
  {
    code: 'ACQ.TRADE_STATUS_ERROR',
    means: refusal('OTHER'),
    note: '交易状态不合法 (close of a paid or closed trade: query tells which)',
    source: '[close] [cancel] [refund]',
  },
  {
    code: 'ACQ.REFUND_AMT_NOT_EQUAL_TOTAL',
    means: refusal('REFUND_TOO_LARGE'),
    note: '退款金额超限',
    source: '[refund]',
  },
  {
    code: 'ACQ.DISCORDANT_REPEAT_REQUEST',
    means: refusal('INVALID_REQUEST'),
    note: '请求信息不一致: same out_request_no, other amount',
    source: '[refund]',
  },
  {
    code: 'ACQ.SELLER_BALANCE_NOT_ENOUGH',
    means: refusal('OTHER'),
    note: '卖家余额不足: refund refused until the balance is topped up',
    source: '[refund]',
  },
  { code: 'ACQ.REASON_TRADE_BEEN_FREEZEN', means: refusal('OTHER'), note: '请求退款的交易被冻结', source: '[refund]' },
  {
    code: 'ACQ.REASON_TRADE_REFUND_FEE_ERR',
    means: refusal('REFUND_TOO_LARGE'),
    note: '退款金额无效',
    source: '[refund]',
  },
  // ---- the call itself refused (v3 public codes; the v2 isv.* forms too) ----
  { code: 'invalid-app-id', means: setup('wrong_id'), note: 'APPID 无效 [unverified]', source: '[v3]' },
  { code: 'isv.invalid-app-id', means: setup('wrong_id'), note: '无效的AppID参数', source: '[common]' },
  {
    code: 'invalid-signature',
    means: setup('bad_signature'),
    note: '验签出错: our private key is not this app’s [unverified]',
    source: '[v3]',
  },
  { code: 'isv.invalid-signature', means: setup('bad_signature'), note: '验签出错', source: '[common]' },
  { code: 'missing-signature', means: setup('bad_signature'), note: '缺少签名 [unverified]', source: '[v3]' },
  { code: 'isv.app-unbind-partner', means: setup('wrong_id'), note: '应用未绑定商户', source: '[common]' },
  {
    code: 'invalid-timestamp',
    means: setup('clock_off'),
    note: '时间戳无效: this PC’s clock [unverified]',
    source: '[v3]',
  },
  { code: 'isv.invalid-timestamp', means: setup('clock_off'), note: '非法的时间戳参数', source: '[common]' },
  {
    code: 'ACCESS_FORBIDDEN',
    means: setup('not_enabled'),
    note: '无权限使用接口 (当面付 not signed) [unverified]',
    source: '[v3]',
  },
  { code: 'ACQ.ACCESS_FORBIDDEN', means: setup('not_enabled'), note: '无权限使用接口', source: '[pay] [pre]' },
  {
    code: 'isv.insufficient-isv-permissions',
    means: setup('not_enabled'),
    note: 'ISV权限不足 (product not enabled)',
    source: '[common]',
  },
  {
    code: 'insufficient-isv-permissions',
    means: setup('not_enabled'),
    note: 'ISV权限不足 [unverified]',
    source: '[v3]',
  },
  {
    code: 'ACQ.PRODUCT_AMOUNT_LIMIT_ERROR',
    means: setup('not_enabled'),
    note: '产品额度超限 / 未签约',
    source: '[pay]',
  },
  // ---- bill ----
  {
    code: 'BILL_NOT_EXIST',
    means: { kind: 'bill_not_ready' },
    note: '账单不存在 (ready about 09:00 the next day)',
    source: '[bill]',
  },
  { code: 'isp.bill_not_exist', means: { kind: 'bill_not_ready' }, note: '账单不存在', source: '[bill]' },
  {
    code: 'NO_BILL_DATA',
    means: { kind: 'bill_none' },
    note: '无账单数据 (no trade that day) [unverified]',
    source: '[bill]',
  },
];

const BY_CODE = new Map(ALIPAY_ANSWERS.map((r) => [r.code, r]));

/** The table row for a code; undefined means unknown outcome. */
export function answerFor(code: string | undefined | null): AnswerRow | undefined {
  return code ? BY_CODE.get(code) : undefined;
}

/** trade_status of alipay.trade.query [query]. */
export const TRADE_STATUSES = ['WAIT_BUYER_PAY', 'TRADE_CLOSED', 'TRADE_SUCCESS', 'TRADE_FINISHED'] as const;
export type AlipayTradeStatus = (typeof TRADE_STATUSES)[number];
