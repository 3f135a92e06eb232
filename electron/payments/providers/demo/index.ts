// The Demo provider: an adapter for the Demo gateway (electron/gateway), which is also its test mock: a real
// HTTP service that signs and verifies like WeChat Pay v3. One folder per provider: adapter, answer table,
// settings; adding a provider adds a folder, never an edit across the engine.
export { createDemoProvider, DEMO_PROVIDER_FILE } from './adapter';
export type { DemoProviderOptions } from './settings';
