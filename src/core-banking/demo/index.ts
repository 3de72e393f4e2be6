export { createDemoCoreBanking, type DemoCoreBankingDeps } from './demo-core-banking.ts';
export { loadDemoCoreBankingData, parseDemoCoreBankingData } from './load-data.ts';
export {
  demoCoreBankingSchema,
  type DemoAccountData,
  type DemoCoreBankingData,
  type DemoCustomerData,
  type DemoIncomeData,
  type DemoTimeDepositData,
} from './data-schema.ts';
export { loginFailureKeys } from '../login-failures.ts';
export type { DemoCoreBanking } from './demo-core-banking.ts';
