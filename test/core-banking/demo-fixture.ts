import { fileURLToPath } from 'node:url';
import {
  createDemoCoreBanking,
  loadDemoCoreBankingData,
  type DemoCoreBankingData,
} from '../../src/core-banking/demo/index.ts';
import type { CoreBanking, LoginAccountRef } from '../../src/core-banking/port.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

export const DATA_FILE = fileURLToPath(new URL('../../config/demo/core-banking.json', import.meta.url));
export const DOCS_FILE = fileURLToPath(new URL('../../docs/demo-customers.md', import.meta.url));

/** The demo customers by the letter docs/demo-customers.md gives them. */
export const CUSTOMER = {
  A: '0000100001',
  B: '0000100002',
  C: '0000100003',
  D: '0000100004',
  E: '0000100005',
  F: '0000100006',
} as const;

export const LOGIN: Record<'A' | 'B' | 'C' | 'D' | 'E', LoginAccountRef & { pin: string }> = {
  A: { branchCode: '001', accountType: 'ordinary', accountNumber: '1012345', pin: '2580' },
  B: { branchCode: '002', accountType: 'ordinary', accountNumber: '2104871', pin: '1357' },
  C: { branchCode: '003', accountType: 'ordinary', accountNumber: '3207715', pin: '8642' },
  D: { branchCode: '001', accountType: 'ordinary', accountNumber: '1098765', pin: '4826' },
  E: { branchCode: '004', accountType: 'ordinary', accountNumber: '4301122', pin: '9753' },
};

/** 2026-11-25 12:00 JST. */
export const NOON_2026_11_25 = new Date('2026-11-25T03:00:00Z');

let cached: DemoCoreBankingData | undefined;
export const demoData = (): DemoCoreBankingData => (cached ??= loadDemoCoreBankingData(DATA_FILE));

export interface Fixture {
  core: CoreBanking;
  clock: ManualClock;
  store: MemoryStore;
}

export const demoCoreBanking = (at: Date = NOON_2026_11_25, data: DemoCoreBankingData = demoData()): Fixture => {
  const clock = new ManualClock(at);
  const store = new MemoryStore(clock);
  return { core: createDemoCoreBanking({ data, store, clock }), clock, store };
};
