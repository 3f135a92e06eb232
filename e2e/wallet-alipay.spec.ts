// Checkout through the cashier UI in a shop whose only wallet is Alipay (its mock): see wallet-scenarios.ts.
import { walletScenarios } from './wallet-scenarios';

walletScenarios('alipay');
