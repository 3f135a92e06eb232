// The WeChat Pay provider (API v3: Native QR and code pay) through wechatpay-axios-plugin. One folder: the
// adapter, its answer table, the bill reader, and its local mock (mock.ts, tests only).
export { createWechatPayProvider, type WechatPayProviderOptions } from './adapter';
