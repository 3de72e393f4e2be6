// Prints customer D's history as JSON, for the host-time-zone test (run under a chosen TZ).
// node test/core-banking/print-history.ts <clock ISO instant>
import { fileURLToPath } from 'node:url';
import { createDemoCoreBanking, loadDemoCoreBankingData } from '../../src/core-banking/demo/index.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';

const data = loadDemoCoreBankingData(fileURLToPath(new URL('../../config/demo/core-banking.json', import.meta.url)));
const clock = new ManualClock(new Date(process.argv[2]));
const core = createDemoCoreBanking({ data, store: new MemoryStore(clock), clock });
const [account] = await core.accounts('0000100004');
const transactions = await core.transactions(account.accountId, '2024-01-01', '2026-12-31');
const balance = await core.balance(account.accountId);
process.stdout.write(JSON.stringify({ offset: new Date(2026, 0, 1).getTimezoneOffset(), balance, transactions }));
