// Checkout through the cashier UI in a shop whose only wallet is WeChat Pay (its mock): see wallet-scenarios.ts.
import { walletScenarios } from './wallet-scenarios';

walletScenarios('wechat');
