import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { LIQUID_ACCOUNT_TYPES, type CoreBanking } from '../port.ts';
import { AccountHistory } from './account-history.ts';
import { balanceAt } from './balances.ts';
import type { DemoCoreBankingData } from './data-schema.ts';
import { buildDirectory, toCustomer, type DirectoryEntry } from './directory.ts';
import { eligibilityOf } from './eligibility.ts';
import { formatJst, jstDayOf, parseIsoDateOrThrow } from '../../shared/jst.ts';
import { createLoginFailureCounter } from './login-failures.ts';
import { createPinVerifier } from './pin-verifier.ts';
import { timeDepositsOn } from './time-deposits.ts';

export interface DemoCoreBankingDeps {
  /** Validated against demoCoreBankingSchema; cross-references are checked here (throws). */
  data: DemoCoreBankingData;
  store: Store;
  clock: Clock;
}

/**
 * The embedded core-banking system: customers and accounts from the data file, generated
 * transaction histories, PINs checked against argon2id hashes, login failures in the store.
 * "Today" is always the clock's JST date.
 */
export function createDemoCoreBanking({ data, store, clock }: DemoCoreBankingDeps): CoreBanking {
  const directory = buildDirectory(data);
  const pins = createPinVerifier(directory.samplePinHash);
  const failures = createLoginFailureCounter(store);
  const historyStart = parseIsoDateOrThrow(data.historyStart);
  const histories = new Map<string, AccountHistory>();

  const liquid = (accountId: string): DirectoryEntry | undefined => {
    const entry = directory.byAccountId(accountId);
    return entry && LIQUID_ACCOUNT_TYPES.includes(entry.data.accountType) ? entry : undefined;
  };
  const historyOf = (entry: DirectoryEntry): AccountHistory => {
    let history = histories.get(entry.data.accountId);
    if (!history) {
      history = new AccountHistory(entry.data, historyStart);
      histories.set(entry.data.accountId, history);
    }
    return history;
  };

  return {
    async verifyPin(ref, pin) {
      const entry = directory.byLoginRef(ref);
      // A closed account cannot be used to log in; it costs the same time as an unknown one.
      const hash = entry && entry.data.status !== 'closed' ? entry.data.pinHash : undefined;
      const matches = await pins.verify(hash, pin);
      return matches && entry ? { customerId: entry.customer.customerId, accountId: entry.data.accountId } : undefined;
    },

    async customerIdOf(ref) {
      return directory.byLoginRef(ref)?.customer.customerId;
    },

    async totpSecret(customerId) {
      return directory.customer(customerId)?.totpSecret;
    },

    async customer(customerId) {
      const customer = directory.customer(customerId);
      return customer && toCustomer(customer);
    },

    async eligibility(customerId) {
      const customer = directory.customer(customerId);
      return eligibilityOf(
        customer && toCustomer(customer),
        directory.accountsOf(customerId).map((e) => e.account),
      );
    },

    async accounts(customerId) {
      return directory.accountsOf(customerId).map((entry) => ({ ...entry.account }));
    },

    async account(accountId) {
      const entry = directory.byAccountId(accountId);
      return entry && { ...entry.account };
    },

    async asOf() {
      return formatJst(clock.now());
    },

    async balance(accountId) {
      const entry = liquid(accountId);
      return entry && balanceAt(entry.data, historyOf(entry), clock.now());
    },

    async transactions(accountId, dateFrom, dateTo) {
      const from = parseIsoDateOrThrow(dateFrom);
      const to = Math.min(parseIsoDateOrThrow(dateTo), jstDayOf(clock.now()));
      const entry = liquid(accountId);
      return entry ? historyOf(entry).between(from, to) : [];
    },

    async timeDeposits(accountId) {
      const entry = directory.byAccountId(accountId);
      return timeDepositsOn(entry?.data.timeDeposits ?? [], jstDayOf(clock.now()));
    },

    loginFailures: (ref) => failures.state(ref),
    recordLoginFailure: (ref, lockAfter) => failures.record(ref, lockAfter),
    resetLoginFailures: (ref) => failures.reset(ref),
    unlock: (ref) => failures.unlock(ref),
  };
}
