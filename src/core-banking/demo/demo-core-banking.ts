import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { LIQUID_ACCOUNT_TYPES, type CoreBanking, type Customer } from '../port.ts';
import { AccountHistory } from './account-history.ts';
import { balanceAt } from './balances.ts';
import type { DemoCoreBankingData } from './data-schema.ts';
import { buildDirectory, toCustomer, type DirectoryEntry } from './directory.ts';
import { eligibilityOf } from './eligibility.ts';
import { formatJst, jstDayOf, parseIsoDateOrThrow } from '../../shared/jst.ts';
import { createLoginFailureCounter } from '../login-failures.ts';
import { normalizeKana } from '../../shared/kana.ts';
import { matchTotp } from '../../shared/totp.ts';
import { createPinVerifier } from './pin-verifier.ts';
import { timeDepositsOn } from './time-deposits.ts';

export interface DemoCoreBankingDeps {
  /** Validated against demoCoreBankingSchema; cross-references are checked here (throws). */
  data: DemoCoreBankingData;
  store: Store;
  clock: Clock;
  /** How long failures of an account reference the data does not know are kept (default 1 hour). */
  unknownSeconds?: number;
}

/** The demo's extras, for the demo pages and tests: the enrolled TOTP secret itself. */
export interface DemoCoreBanking extends CoreBanking {
  /** The customer's registered authenticator secret (base32, RFC 6238), or undefined. */
  totpSecret(customerId: string): Promise<string | undefined>;
}

const SEARCH_LIMIT = 50;

/**
 * The embedded core-banking system: customers and accounts from the data file, generated
 * transaction histories, PINs checked against argon2id hashes, login failures in the store.
 * "Today" is always the clock's JST date.
 */
export function createDemoCoreBanking({ data, store, clock, unknownSeconds }: DemoCoreBankingDeps): DemoCoreBanking {
  const directory = buildDirectory(data);
  const pins = createPinVerifier(directory.samplePinHash);
  const failures = createLoginFailureCounter(store, { unknownSeconds });
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

    async checkIdentity(ref, pin) {
      const entry = directory.byLoginRef(ref);
      const usable = entry && entry.data.status !== 'closed' && entry.data.pinHash !== undefined;
      const matches = await pins.verify(usable ? entry.data.pinHash : undefined, pin);
      if (!usable) return { result: 'unknown' };
      const customerId = entry.customer.customerId;
      // The demo host keeps no PIN lock of its own: the server's counter (loginFailures) is the lock.
      return matches
        ? { result: 'verified', customerId, accountId: entry.data.accountId }
        : { result: 'wrong_pin', customerId };
    },

    async customerIdOf(ref) {
      return directory.byLoginRef(ref)?.customer.customerId;
    },

    async totpSecret(customerId) {
      return directory.customer(customerId)?.totpSecret;
    },

    async verifyOneTimeCode(customerId, code, windowSteps) {
      const secret = directory.customer(customerId)?.totpSecret;
      return secret ? matchTotp(secret, code, clock.now(), windowSteps) : undefined;
    },

    async contact(customerId) {
      const customer = directory.customer(customerId);
      return customer?.email ? { customerId, email: customer.email } : undefined;
    },

    async searchCustomers({ customerId, nameKana }) {
      const found: Customer[] = [];
      const prefix = nameKana === undefined ? undefined : normalizeKana(nameKana);
      for (const customer of directory.customers()) {
        if (customerId !== undefined && customer.customerId !== customerId) continue;
        // Compared as the port says: both sides normalised (width, kana, small kana, spaces).
        if (prefix !== undefined && !normalizeKana(customer.nameKana).startsWith(prefix)) continue;
        if (customerId === undefined && nameKana === undefined) break;
        found.push(toCustomer(customer));
        if (found.length === SEARCH_LIMIT) break;
      }
      return found;
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
    recordLoginFailure: (ref, lockAfter) => failures.record(ref, lockAfter, directory.byLoginRef(ref) !== undefined),
    resetLoginFailures: (ref) => failures.reset(ref),
    unlock: (ref) => failures.unlock(ref),
  };
}
