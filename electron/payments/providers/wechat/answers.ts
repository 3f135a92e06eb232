// WeChat Pay v3's answer table: what each documented error code means for a payment. Only the codes listed
// here as refusals mean "not done"; SYSTEM_ERROR, BANK_ERROR, USERPAYING as an error, 429, any 5xx and ANY
// code not listed are an unknown outcome, settled by query or close (see ProviderError in ../../provider.ts).
// The shapes of the answers we act on are checked here too: another shape is a bad_response, never success.
//
// Sources: the v3 API pages on pay.weixin.qq.com (Native下单, 付款码支付, 查询订单, 关闭订单, 撤销订单, 申请退款,
// 查询单笔退款, 申请交易账单) and their 错误码 tables, and wechatpay-apiv3/wechatpay-go services/payments.
// A code WeChat sends under more than one spelling (ORDERNOTEXIST / ORDER_NOT_EXIST) has a row for each.
import { z } from 'zod';
import type { ProviderRefusal } from '../../provider';

export type AnswerMeaning =
  /** A definite refusal: nothing was done; `refusal` says which. */
  | 'refusal'
  /** The outcome is not known: query or close later, never "failed". */
  | 'unknown'
  /** Trade bill: no bill for that day (no trades). */
  | 'bill_none'
  /** Trade bill: not generated yet (ready about 10:00 the next day). */
  | 'bill_not_ready';

export interface AnswerRow {
  code: string;
  /** The HTTP status WeChat documents with it (the code decides, not the status). */
  http: number;
  meaning: AnswerMeaning;
  refusal?: ProviderRefusal;
  /** What it says, in WeChat's words where they help. */
  note: string;
  source: string;
}

const COMMON = 'v3 公共错误码 (pay.weixin.qq.com, 错误码 section of every v3 API page)';
const NATIVE = 'v3 Native下单 /v3/pay/transactions/native, 错误码';
const CODEPAY = 'v3 付款码支付 /v3/pay/transactions/codepay, 错误码; v2 付款码支付 (same codes)';
const CLOSE = 'v3 关闭订单 /v3/pay/transactions/out-trade-no/{no}/close, 错误码';
const QUERY = 'v3 查询订单 /v3/pay/transactions/out-trade-no/{no}, 错误码';
const REFUND = 'v3 申请退款 /v3/refund/domestic/refunds, 错误码';
const BILL = 'v3 申请交易账单 /v3/bill/tradebill, 错误码';

export const ANSWER_TABLE: readonly AnswerRow[] = [
  // ---- about our own request: nothing was done ------------------------------------------------------
  { code: 'PARAM_ERROR', http: 400, meaning: 'refusal', refusal: 'INVALID_REQUEST', note: '参数错误', source: COMMON },
  {
    code: 'INVALID_REQUEST',
    http: 400,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: 'HTTP 请求不符合微信支付 APIv3 接口规则',
    source: COMMON,
  },
  {
    code: 'APPID_MCHID_NOT_MATCH',
    http: 400,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: 'appid 与 mchid 不匹配 (not bound in 商户平台)',
    source: NATIVE,
  },
  {
    code: 'MCH_NOT_EXISTS',
    http: 400,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: '商户号不存在',
    source: NATIVE,
  },
  {
    code: 'SIGN_ERROR',
    http: 401,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: '签名错误: our private key / certificate serial',
    source: COMMON,
  },
  {
    code: 'NO_AUTH',
    http: 403,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: '商户无权限 (product not enabled)',
    source: COMMON,
  },
  {
    code: 'NOAUTH',
    http: 403,
    meaning: 'refusal',
    refusal: 'INVALID_REQUEST',
    note: '商户无此接口权限 (v2 spelling)',
    source: CODEPAY,
  },
  // ---- about the trade --------------------------------------------------------------------------------
  {
    code: 'OUT_TRADE_NO_USED',
    http: 403,
    meaning: 'refusal',
    refusal: 'TRADE_EXISTS',
    note: '商户订单号重复: never a success for this order',
    source: NATIVE,
  },
  { code: 'ORDERPAID', http: 403, meaning: 'refusal', refusal: 'TRADE_PAID', note: '订单已支付', source: CLOSE },
  { code: 'ORDER_PAID', http: 403, meaning: 'refusal', refusal: 'TRADE_PAID', note: '订单已支付', source: CLOSE },
  { code: 'ORDERCLOSED', http: 400, meaning: 'refusal', refusal: 'TRADE_CLOSED', note: '订单已关闭', source: NATIVE },
  { code: 'ORDER_CLOSED', http: 400, meaning: 'refusal', refusal: 'TRADE_CLOSED', note: '订单已关闭', source: NATIVE },
  {
    code: 'ORDER_NOT_EXIST',
    http: 404,
    meaning: 'refusal',
    refusal: 'TRADE_NOT_FOUND',
    note: '订单不存在',
    source: QUERY,
  },
  {
    code: 'ORDERNOTEXIST',
    http: 404,
    meaning: 'refusal',
    refusal: 'TRADE_NOT_FOUND',
    note: '订单不存在',
    source: QUERY,
  },
  {
    code: 'RESOURCE_NOT_EXISTS',
    http: 404,
    meaning: 'refusal',
    refusal: 'TRADE_NOT_FOUND',
    note: '查询的资源不存在',
    source: REFUND,
  },
  { code: 'RULE_LIMIT', http: 403, meaning: 'refusal', refusal: 'DECLINED', note: '业务规则限制', source: NATIVE },
  {
    code: 'TRADE_ERROR',
    http: 403,
    meaning: 'refusal',
    refusal: 'DECLINED',
    note: '交易错误 (e.g. the payer’s limits)',
    source: CODEPAY,
  },
  // ---- the customer's payment code ----------------------------------------------------------------------
  {
    code: 'AUTH_CODE_INVALID',
    http: 400,
    meaning: 'refusal',
    refusal: 'INVALID_CODE',
    note: '付款码无效',
    source: CODEPAY,
  },
  {
    code: 'AUTH_CODE_ERROR',
    http: 400,
    meaning: 'refusal',
    refusal: 'INVALID_CODE',
    note: '付款码错误',
    source: CODEPAY,
  },
  {
    code: 'AUTHCODEEXPIRE',
    http: 403,
    meaning: 'refusal',
    refusal: 'INVALID_CODE',
    note: '二维码已过期，请刷新再试',
    source: CODEPAY,
  },
  {
    code: 'NOTENOUGH',
    http: 403,
    meaning: 'refusal',
    refusal: 'INSUFFICIENT_FUNDS',
    note: '余额不足',
    source: CODEPAY,
  },
  { code: 'NOTSUPORTCARD', http: 403, meaning: 'refusal', refusal: 'DECLINED', note: '不支持卡类型', source: CODEPAY },
  { code: 'BUYER_MISMATCH', http: 403, meaning: 'refusal', refusal: 'DECLINED', note: '支付帐号错误', source: CODEPAY },
  { code: 'ACCOUNT_ERROR', http: 403, meaning: 'refusal', refusal: 'DECLINED', note: '账号异常', source: CODEPAY },
  // ---- refunds ------------------------------------------------------------------------------------------
  {
    code: 'NOT_ENOUGH',
    http: 403,
    meaning: 'refusal',
    refusal: 'OTHER',
    note: '余额不足: the shop’s balance cannot cover the refund',
    source: REFUND,
  },
  {
    code: 'USER_ACCOUNT_ABNORMAL',
    http: 403,
    meaning: 'refusal',
    refusal: 'DECLINED',
    note: '退款请求失败: the buyer’s account is closed or frozen',
    source: REFUND,
  },
  // ---- outcome unknown: query or close later ----------------------------------------------------------
  { code: 'SYSTEM_ERROR', http: 500, meaning: 'unknown', note: '系统异常，请用相同参数重新调用', source: COMMON },
  { code: 'SYSTEMERROR', http: 500, meaning: 'unknown', note: '系统超时 (v2 spelling)', source: CODEPAY },
  { code: 'BANK_ERROR', http: 500, meaning: 'unknown', note: '银行系统异常', source: CODEPAY },
  { code: 'BANKERROR', http: 500, meaning: 'unknown', note: '银行系统异常 (v2 spelling)', source: CODEPAY },
  {
    code: 'USERPAYING',
    http: 202,
    meaning: 'unknown',
    note: '用户支付中，需要输入密码: as an error, query until paid or ~45 s, then reverse',
    source: CODEPAY,
  },
  {
    code: 'FREQUENCY_LIMITED',
    http: 429,
    meaning: 'unknown',
    note: '频率超限: slow down, then ask again',
    source: COMMON,
  },
  // ---- trade bill ---------------------------------------------------------------------------------------
  {
    code: 'NO_STATEMENT_EXIST',
    http: 400,
    meaning: 'bill_none',
    note: '账单文件不存在 (no trades that day)',
    source: BILL,
  },
  {
    code: 'STATEMENT_CREATING',
    http: 400,
    meaning: 'bill_not_ready',
    note: '账单生成中 (about 10:00 the next day)',
    source: BILL,
  },
];

const BY_CODE = new Map(ANSWER_TABLE.map((r) => [r.code, r]));

/** The row for a code; undefined means "not documented here": an unknown outcome. */
export function answerFor(code: string): AnswerRow | undefined {
  return BY_CODE.get(code);
}

/** Answers to a reverse that WeChat documents as "send the reverse again" (v2 recall=Y). */
export const REVERSE_RETRY = new Set([
  'SYSTEM_ERROR',
  'SYSTEMERROR',
  'BANK_ERROR',
  'BANKERROR',
  'USERPAYING',
  'FREQUENCY_LIMITED',
]);

/** The plugin's own error codes when an answer fails its checks (wechatpay-axios-plugin lib/decorator.js). */
export const PLUGIN_BAD_SIGNATURE = new Set(['EV3_RES_HEADER_SIGNATURE_DIGEST', 'EV3_RES_HEADER_PLATFORM_SERIAL']);
export const PLUGIN_BAD_ANSWER = new Set([
  ...PLUGIN_BAD_SIGNATURE,
  'EV3_RES_HEADERS_INCOMPLATE',
  'EV3_RES_HEADER_TIMESTAMP_OFFSET',
]);

// ---- answer shapes ----------------------------------------------------------------------------------------

/** Fen: v3 amounts are integers; anything else is an answer we cannot trust. */
const Fen = z.number().int().nonnegative();

export const ErrorBody = z.object({ code: z.string().min(1), message: z.string().optional() }).loose();

export const NativeAnswer = z.object({ code_url: z.string().min(1) }).loose();

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR'] as const;

export const Transaction = z
  .object({
    appid: z.string().optional(),
    mchid: z.string(),
    out_trade_no: z.string(),
    transaction_id: z.string().optional(),
    trade_state: z.enum(TRADE_STATES),
    trade_state_desc: z.string().optional(),
    success_time: z.string().optional(),
    amount: z.object({ total: Fen, currency: z.string().optional() }).loose().optional(),
  })
  .loose();
export type Transaction = z.infer<typeof Transaction>;

export const REFUND_STATES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;

export const RefundAnswer = z
  .object({
    refund_id: z.string().optional(),
    out_refund_no: z.string(),
    out_trade_no: z.string().optional(),
    status: z.enum(REFUND_STATES),
    amount: z.object({ refund: Fen, total: Fen, currency: z.string().optional() }).loose(),
  })
  .loose();

export const TradeBillAnswer = z.object({
  hash_type: z.literal('SHA1'),
  hash_value: z.string().regex(/^[0-9a-fA-F]{40}$/),
  download_url: z.string().min(1),
});

/** The notification envelope (支付成功通知). */
export const NotificationEnvelope = z.object({
  id: z.string().min(1),
  create_time: z.string().optional(),
  event_type: z.string(),
  resource_type: z.string().optional(),
  resource: z.object({
    algorithm: z.literal('AEAD_AES_256_GCM'),
    ciphertext: z.string().min(1),
    nonce: z.string().min(1),
    associated_data: z.string().optional(),
    original_type: z.string().optional(),
  }),
});

/** What a refund that ended badly asks the owner to do in 商户平台. */
export const REFUND_HELP: Record<'ABNORMAL' | 'CLOSED', string> = {
  ABNORMAL:
    'WeChat Pay could not return the money to the buyer (their card or account is closed or frozen). In 微信支付商户平台: 交易中心 → 退款管理 → find this refund → 发起异常退款 (to the buyer’s balance or to a bank card you name).',
  CLOSED:
    'WeChat Pay closed this refund without paying it. In 微信支付商户平台: 交易中心 → 退款管理 → check the refund and the shop’s balance, then refund again (a new refund number) if it is still owed.',
};
