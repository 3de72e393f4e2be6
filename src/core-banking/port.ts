/**
 * The core-banking port: what the bank's core system answers. A real connector implements this
 * interface; ./demo/ is the embedded implementation backed by config/demo/ files.
 *
 * Identifiers: `customerId` is the core system's customer number (顧客番号) and never leaves the
 * bank; partners see a pairwise `sub`. `accountId` is an opaque, stable id of one account (not
 * its number), safe to show to partners.
 */

import { isRecord } from '../shared/unknown-json.ts';

/** 預金種目 / 科目, as English names. The six kinds of terms 2.2. */
export const ACCOUNT_TYPES = [
  'ordinary',
  'savings',
  'card_deposit',
  'card_loan',
  'tax_reserve',
  'time_deposit',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** The account types a customer logs in with: those a cash card is issued for. */
export const LOGIN_ACCOUNT_TYPES = ['ordinary', 'savings', 'card_deposit'] as const satisfies readonly AccountType[];
export type LoginAccountType = (typeof LOGIN_ACCOUNT_TYPES)[number];

/** Account types with a balance and transactions (流動性預金, plus カードローン). */
export const LIQUID_ACCOUNT_TYPES: readonly AccountType[] = [
  'ordinary',
  'savings',
  'card_deposit',
  'card_loan',
  'tax_reserve',
];

export type AccountStatus = 'active' | 'frozen' | 'closed';

export interface Account {
  accountId: string;
  customerId: string;
  branchCode: string;
  branchName: string;
  accountType: AccountType;
  accountNumber: string;
  accountName: string;
  accountNameKana: string;
  currencyCode: 'JPY';
  status: AccountStatus;
  /** Whether a cash card is issued for it (eligibility, terms 1.2(1)). */
  cashCardIssued: boolean;
}

export interface Customer {
  customerId: string;
  name: string;
  nameKana: string;
  /** A customer-level freeze (death, fraud, ...): the customer cannot use the service at all. */
  restricted: boolean;
}

export type IneligibilityReason = 'customer_restricted' | 'no_eligible_account';
export type Eligibility = { eligible: true } | { eligible: false; reason: IneligibilityReason };

/** What identifies the account a customer logs in with (the login form). */
export interface LoginAccountRef {
  branchCode: string;
  accountType: AccountType;
  accountNumber: string;
}

const ACCOUNT_TYPE_NAMES: ReadonlySet<unknown> = new Set(ACCOUNT_TYPES);

/** A login account as a session or an interaction state kept it, member by member. */
export const isLoginAccountRef = (value: unknown): value is LoginAccountRef =>
  isRecord(value) &&
  typeof value.branchCode === 'string' &&
  ACCOUNT_TYPE_NAMES.has(value.accountType) &&
  typeof value.accountNumber === 'string';

/**
 * Balances of a liquid account. Deposit accounts: what the customer holds. A card loan: the loan
 * balance, what the customer owes (a positive number, 0 when nothing is borrowed), with
 * withdrawableAmount = availableCredit = creditLimit - balance.
 * previousDayBalance / previousMonthBalance: at the end of yesterday / of the previous month (JST).
 */
export interface Balance {
  accountId: string;
  /** Decimal strings, yen. For a card loan: the loan balance. */
  balance: string;
  withdrawableAmount: string;
  previousDayBalance: string;
  previousMonthBalance: string;
  /** Card loans only. */
  creditLimit?: string;
  availableCredit?: string;
  /** As-of time of the core system's data (terms 6), ISO 8601 with +09:00. */
  asOf: string;
}

/**
 * One booked entry (入出金明細), from the customer's side: a credit (入金) adds money to a deposit
 * account, a debit (出金) takes it out. On a card loan a debit is a drawing or charged interest and
 * raises the loan balance; a credit is a repayment and lowers it. So, for any range of dates:
 * deposits: balance at end = balance before + credits - debits;
 * card loan: balance at end = balance before + debits - credits.
 */
export interface Transaction {
  /** Stable, unique within the account, increasing in booking order. */
  itemKey: string;
  transactionDate: string; // YYYY-MM-DD (JST)
  valueDate: string; // YYYY-MM-DD (JST)
  transactionType: 'credit' | 'debit'; // 入金 / 出金
  amount: string;
  remarks: string;
  balance: string;
}

export interface TimeDeposit {
  depositNumber: string;
  depositDate: string; // 預入日
  maturityDate: string; // 満期日
  principal: string; // 元金
  interestRate: string; // 金利, percent per year, e.g. "0.125"
  termMonths: number;
  interestType: 'simple' | 'compound'; // 単利 / 複利
  renewalType: 'principal_and_interest' | 'principal_only' | 'none'; // 自動継続区分
  currencyCode: 'JPY';
}

/**
 * What the bank's host answers to a PIN: the customer number comes with a wrong PIN and a lock
 * too, so that the audit trail can name the customer; never with an unknown account.
 */
export type IdentityCheckOutcome =
  | { result: 'verified'; customerId: string; accountId: string }
  | { result: 'wrong_pin' | 'locked'; customerId: string }
  | { result: 'unknown' };

/** Where notices to a customer go (a new or an ended linkage). */
export interface CustomerContact {
  customerId: string;
  email?: string;
  phone?: string;
}

/** Bank staff's customer search: an exact customer number, or the start of the name in kana. */
export interface CustomerQuery {
  customerId?: string;
  /**
   * The start of 氏名カナ as src/shared/kana.ts normalises it (full-width katakana, small kana as
   * large, no spaces); the core system compares it with its stored names normalised the same way.
   */
  nameKana?: string;
}

export interface LoginFailureState {
  consecutiveFailures: number;
  locked: boolean;
}

export interface CoreBanking {
  /**
   * Checks the login account and its PIN. Answers the customer when both match, undefined otherwise.
   * Takes the same time whether the account exists or not (a dummy hash is verified when it does not).
   */
  verifyPin(ref: LoginAccountRef, pin: string): Promise<{ customerId: string; accountId: string } | undefined>;
  /**
   * The same check with the host's answer in full. Never retried by a connector: a wrong PIN
   * counts toward the host's own PIN lock. Rejects with CoreBankingUnavailableError when the
   * host cannot answer, which is not a failed attempt.
   */
  checkIdentity(ref: LoginAccountRef, pin: string): Promise<IdentityCheckOutcome>;
  /** The customer holding the login account, or undefined (bank staff find linkages by it). */
  customerIdOf(ref: LoginAccountRef): Promise<string | undefined>;
  /**
   * Verifies a one-time code from the customer's registered authenticator (RFC 6238) where the
   * bank keeps the secret: answers the time step it matched (within `windowSteps` either side of
   * now), or undefined. The caller refuses a step already used (replay).
   */
  verifyOneTimeCode(customerId: string, code: string, windowSteps: number): Promise<number | undefined>;
  /** Where notices to the customer go, or undefined when none is registered. */
  contact(customerId: string): Promise<CustomerContact | undefined>;
  /** At most 50 customers; none for an empty query. */
  searchCustomers(query: CustomerQuery): Promise<Customer[]>;

  customer(customerId: string): Promise<Customer | undefined>;
  eligibility(customerId: string): Promise<Eligibility>;
  /** Every account of the customer, whatever its status. */
  accounts(customerId: string): Promise<Account[]>;
  account(accountId: string): Promise<Account | undefined>;

  /** Undefined for an unknown account and for one that is not liquid (a time deposit). */
  /** When the core system's data is as of now (terms 6), ISO 8601 with +09:00. */
  asOf(): Promise<string>;
  balance(accountId: string): Promise<Balance | undefined>;
  /**
   * Transactions booked between the two JST dates (YYYY-MM-DD), inclusive, ascending by itemKey;
   * never any after today. Empty for an unknown or non-liquid account. Rejects with a RangeError
   * when a date is malformed.
   */
  transactions(accountId: string, dateFrom: string, dateTo: string): Promise<Transaction[]>;
  /** The deposits of a time-deposit account as they stand today; empty for any other account. */
  timeDeposits(accountId: string): Promise<TimeDeposit[]>;

  /**
   * The login-failure counter of an account (a real bank shares it with its own PIN counter).
   * Keyed by the login account reference, so an unknown account counts too (and locks nothing real).
   */
  loginFailures(ref: LoginAccountRef): Promise<LoginFailureState>;
  recordLoginFailure(ref: LoginAccountRef, lockAfter: number): Promise<LoginFailureState>;
  resetLoginFailures(ref: LoginAccountRef): Promise<void>;
  unlock(ref: LoginAccountRef): Promise<void>;
}
