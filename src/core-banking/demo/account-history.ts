import type { Transaction } from '../port.ts';
import { plannedEntries, type PlannedEntry } from './activity-profiles.ts';
import type { DemoAccountData } from './data-schema.ts';
import { civilDateOf, isoDateOf, type JstDay } from '../../shared/jst.ts';
import { seededRandom } from './seeded-random.ts';

const MAX_ENTRIES_PER_DAY = 3;

/**
 * The generated transaction history of one liquid account, from `start` (the data file's
 * historyStart) onwards. Day d is drawn from a random source keyed by (accountId, d) and applied to
 * the balance at the end of day d-1; nothing depends on "today", so a day's transactions never
 * change as the clock moves, and two instances always agree. Generated days are kept: asking for
 * a later day only generates the days not yet seen.
 *
 * Balances follow the port's convention: deposit accounts hold money (a credit adds, a debit
 * subtracts, never below zero); a card loan holds the loan balance (a debit borrows and adds, never
 * above the credit limit; a credit repays and subtracts, never below zero).
 * Accounts that are not active (frozen, closed) are dormant: no activity after `start`.
 */
export class AccountHistory {
  readonly #account: DemoAccountData;
  readonly #opening: number;
  readonly #usualLevel: number;
  #through: JstDay;
  #balance: number;
  // Parallel arrays, one slot per transaction, in booking order.
  readonly #items: Transaction[] = [];
  readonly #days: JstDay[] = [];
  readonly #balances: number[] = [];

  constructor(account: DemoAccountData, start: JstDay) {
    this.#account = account;
    this.#opening = account.openingBalance ?? 0;
    this.#usualLevel =
      account.accountType === 'card_loan'
        ? Math.max(10_000, (account.creditLimit ?? 0) * 0.3)
        : Math.max(50_000, this.#opening);
    this.#through = start - 1;
    this.#balance = this.#opening;
  }

  /** Transactions booked from `fromDay` to `toDay`, inclusive, in booking order. */
  between(fromDay: JstDay, toDay: JstDay): Transaction[] {
    if (fromDay > toDay) return [];
    this.#generateThrough(toDay);
    return this.#items.slice(this.#firstIndexAfter(fromDay - 1), this.#firstIndexAfter(toDay));
  }

  /** The balance after every transaction booked up to the end of `day`. */
  balanceAtEndOf(day: JstDay): number {
    this.#generateThrough(day);
    const index = this.#firstIndexAfter(day) - 1;
    return index < 0 ? this.#opening : this.#balances[index];
  }

  /** Index of the first transaction booked after `day` (binary search over the booked days). */
  #firstIndexAfter(day: JstDay): number {
    let low = 0;
    let high = this.#days.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#days[mid] <= day) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #generateThrough(day: JstDay): void {
    if (this.#account.status !== 'active') return;
    for (let d = this.#through + 1; d <= day; d += 1) this.#book(d);
    this.#through = Math.max(this.#through, day);
  }

  #book(day: JstDay): void {
    const plan = plannedEntries({
      day,
      date: civilDateOf(day),
      random: seededRandom(`${this.#account.accountId}|${isoDateOf(day)}`),
      balance: this.#balance,
      level: Math.min(3, Math.max(0.25, this.#balance / this.#usualLevel)),
      account: this.#account,
    });
    const date = isoDateOf(day);
    let booked = 0;
    for (const planned of plan) {
      if (booked === MAX_ENTRIES_PER_DAY) break;
      const amount = this.#applicableAmount(planned);
      if (amount <= 0) continue;
      this.#balance += this.#signedEffect(planned.transactionType) * amount;
      booked += 1;
      this.#items.push(
        Object.freeze({
          itemKey: `${date.replaceAll('-', '')}-${String(booked).padStart(3, '0')}`,
          transactionDate: date,
          valueDate: date,
          transactionType: planned.transactionType,
          amount: String(amount),
          remarks: planned.remarks,
          balance: String(this.#balance),
        }),
      );
      this.#days.push(day);
      this.#balances.push(this.#balance);
    }
  }

  /** +1 when the entry raises the account's balance figure, -1 when it lowers it. */
  #signedEffect(type: PlannedEntry['transactionType']): number {
    const raises = this.#account.accountType === 'card_loan' ? type === 'debit' : type === 'credit';
    return raises ? 1 : -1;
  }

  /** The amount that can be booked without breaking the account's limits; 0 skips the entry. */
  #applicableAmount({ transactionType, amount }: PlannedEntry): number {
    const isLoan = this.#account.accountType === 'card_loan';
    if (!isLoan) return transactionType === 'debit' && amount > this.#balance ? 0 : amount;
    if (transactionType === 'credit') return Math.min(amount, this.#balance); // repay at most what is owed
    return this.#balance + amount > (this.#account.creditLimit ?? 0) ? 0 : amount;
  }
}
