// The Alipay Face-to-Face (当面付) provider, OpenAPI v3 through the official alipay-sdk's `curl`: adapter,
// its answer table, and (test code) a local mock that speaks the v3 protocol.
export { ALIPAY_ANSWERS, type AnswerRow, answerFor } from './answers';
export { type AlipayProviderOptions, createAlipayProvider } from './adapter';
