import type { AccountType } from '../port.ts';
import type { DemoAccountData } from './data-schema.ts';
import { netOfWithholdingTax } from './interest.ts';
import { dayOf, weekdayOnOrAfter, weekdayOnOrBefore, type CivilDate, type JstDay } from '../../shared/jst.ts';
import type { SeededRandom } from './seeded-random.ts';

/**
 * What each kind of account typically sees on one day: a plan of entries, before the history
 * applies the limits (no overdraft, credit line). Scheduled items (pay day, direct debits,
 * interest) come first; then chance items whose likelihood follows `level`, so that a balance far
 * above its usual level spends more and one far below spends less, and no history drifts off
 * over the years.
 */
export interface PlannedEntry {
  transactionType: 'credit' | 'debit';
  amount: number;
  remarks: string;
}

export interface DayContext {
  day: JstDay;
  date: CivilDate;
  random: SeededRandom;
  /** Balance before the day (a card loan: the loan balance). */
  balance: number;
  /** Balance relative to the account's usual level, clamped to [0.25, 3]. */
  level: number;
  account: DemoAccountData;
}

type ActivityProfile = (ctx: DayContext) => PlannedEntry[];

const credit = (amount: number, remarks: string): PlannedEntry => ({ transactionType: 'credit', amount, remarks });
const debit = (amount: number, remarks: string): PlannedEntry => ({ transactionType: 'debit', amount, remarks });
const roundTo = (amount: number, unit: number): number => Math.max(unit, Math.round(amount / unit) * unit);

/**
 * Whether a monthly item falls on this day: its nominal day of the month, moved off weekends
 * (`later` for direct debits, `earlier` for pay days). Nominal days stay between 3 and 26, so
 * moving never leaves the month.
 */
const scheduled = (
  ctx: DayContext,
  nominal: number,
  move: 'later' | 'earlier',
  months?: readonly number[],
): boolean => {
  const { year, month } = ctx.date;
  if (months && !months.includes(month)) return false;
  const nominalDay = dayOf(year, month, nominal);
  return ctx.day === (move === 'later' ? weekdayOnOrAfter(nominalDay) : weekdayOnOrBefore(nominalDay));
};

const EVEN_MONTHS = [2, 4, 6, 8, 10, 12] as const;
const WINTER = [11, 12, 1, 2, 3, 4] as const; // Kushiro heats from late autumn into spring
const isWinter = (ctx: DayContext): boolean => WINTER.some((item) => item === ctx.date.month);

/** Deposit interest (0.1% a year on the current balance), credited half-yearly around 20 Feb and 20 Aug. */
const depositInterest = (ctx: DayContext): PlannedEntry[] =>
  scheduled(ctx, 20, 'later', [2, 8])
    ? [credit(netOfWithholdingTax(Math.floor((ctx.balance * 0.001) / 2)), '利息')]
    : [];

const PAYEES = ['ｽｽﾞｷ ｲﾁﾛｳ', 'ﾀﾅｶ ﾖｳｺ', 'ｶ)ｸｼﾛﾌﾄﾞｳｻﾝ', 'ﾕ)ﾏﾙﾔﾏｼﾖｳﾃﾝ', 'ｻﾄｳ ﾐﾕｷ', 'ｸｼﾛｼﾖｳｲｸｶｲ'];
const PAYERS = ['ｶ)ﾔﾏﾀﾞ', 'ｻﾄｳ ﾐﾕｷ', 'ﾕ)ｸｼﾛｼﾖｳｼﾞ', 'ﾀｶﾊｼ ｹﾝｼﾞ', 'ｸｼﾛｼ ｷﾕｳﾌｷﾝ'];
const CARD_SHOPS = [
  'カード利用 ｽｰﾊﾟｰﾏｰｹﾂﾄ',
  'カード利用 ﾄﾞﾗﾂｸﾞｽﾄｱ',
  'カード利用 ｺﾝﾋﾞﾆ',
  'カード利用 ﾎｰﾑｾﾝﾀｰ',
  'カード利用 ｶﾞｿﾘﾝｽﾀﾝﾄﾞ',
  'デビット ｵﾝﾗｲﾝｼﾖﾂﾌﾟ',
];
const ATM_WITHDRAWALS = [10_000, 10_000, 20_000, 20_000, 30_000, 50_000] as const;

/** Spending follows income: 1 for a monthly take-home pay of 250,000 yen. */
const spendingScale = (account: DemoAccountData): number => {
  const income = account.income;
  if (!income) return 0.6;
  const monthly = income.kind === 'salary' ? income.amount : income.amount / 2;
  return monthly / 250_000;
};

const ordinary: ActivityProfile = (ctx) => {
  const { random: r, level } = ctx;
  const income = ctx.account.income;
  const scale = spendingScale(ctx.account);
  const plan: PlannedEntry[] = [];
  if (income?.kind === 'salary') {
    if (scheduled(ctx, 25, 'earlier')) plan.push(credit(income.amount + r.int(-3_000, 12_000), `給与 ${income.payer}`));
    if (scheduled(ctx, 10, 'earlier', [6, 12]))
      plan.push(credit(roundTo(income.amount * 1.6, 1_000), `賞与 ${income.payer}`));
  }
  if (income?.kind === 'pension' && scheduled(ctx, 15, 'earlier', EVEN_MONTHS))
    plan.push(credit(income.amount, `年金 ${income.payer}`));
  plan.push(...depositInterest(ctx));
  if (scheduled(ctx, 7, 'later'))
    plan.push(debit(isWinter(ctx) ? r.int(7_000, 11_000) : r.int(3_500, 6_000), 'ガス料金'));
  if (scheduled(ctx, 10, 'later'))
    plan.push(debit(roundTo(r.int(30_000, 90_000) * scale * level, 1), 'カード利用代金 ｸｼﾛｶｰﾄﾞ'));
  if (scheduled(ctx, 14, 'later'))
    plan.push(debit(isWinter(ctx) ? r.int(14_000, 22_000) : r.int(6_000, 9_000), '電気料金'));
  if (scheduled(ctx, 22, 'later', EVEN_MONTHS)) plan.push(debit(r.int(5_500, 8_000), '水道料金'));
  if (scheduled(ctx, 26, 'later')) plan.push(debit(r.int(4_000, 9_000), '携帯電話料金'));
  if (r.chance(0.12 * level)) plan.push(debit(roundTo(r.pick(ATM_WITHDRAWALS) * scale, 10_000), 'ATM引出'));
  if (r.chance(0.1 * level)) plan.push(debit(Math.max(100, Math.round(r.int(300, 8_000) * scale)), r.pick(CARD_SHOPS)));
  if (r.chance(0.02 * level)) plan.push(debit(roundTo(r.int(5_000, 50_000) * scale, 1_000), `振込 ${r.pick(PAYEES)}`));
  if (r.chance(0.015)) plan.push(credit(roundTo(r.int(3_000, 30_000), 100), `振込 ${r.pick(PAYERS)}`));
  if (r.chance(0.02 / level)) plan.push(credit(roundTo(r.int(10_000, 100_000), 10_000), 'ATM入金'));
  return plan;
};

const savings: ActivityProfile = (ctx) => {
  const { random: r, level } = ctx;
  const plan = depositInterest(ctx);
  if (scheduled(ctx, 26, 'later')) plan.push(credit(r.pick([20_000, 30_000, 30_000, 50_000]), '振替入金 積立'));
  if (r.chance(0.006 * level))
    plan.push(debit(roundTo(r.int(50_000, 300_000), 10_000), r.pick(['ATM引出', '振替出金'])));
  if (r.chance(0.004 / level)) plan.push(credit(roundTo(r.int(10_000, 200_000), 10_000), 'ATM入金'));
  return plan;
};

const cardDeposit: ActivityProfile = (ctx) => {
  const { random: r, level } = ctx;
  const plan = depositInterest(ctx);
  if (r.chance(0.05 * level)) plan.push(debit(r.pick([10_000, 20_000, 30_000]), 'ATM引出'));
  if (r.chance(0.05 * level)) plan.push(debit(r.int(500, 10_000), r.pick(CARD_SHOPS)));
  if (r.chance(0.03 / level)) plan.push(credit(roundTo(r.int(10_000, 50_000), 10_000), 'ATM入金'));
  return plan;
};

const taxReserve: ActivityProfile = (ctx) => {
  const { random: r, level } = ctx;
  const plan = depositInterest(ctx);
  if (scheduled(ctx, 5, 'later')) plan.push(credit(r.pick([20_000, 30_000, 50_000]), '振替入金'));
  if (scheduled(ctx, 14, 'later', [3])) plan.push(debit(roundTo(r.int(60_000, 150_000) * level, 100), '納税 所得税'));
  if (scheduled(ctx, 25, 'later', [1, 6, 8, 10])) plan.push(debit(roundTo(r.int(25_000, 40_000), 100), '納税 住民税'));
  if (scheduled(ctx, 25, 'later', [2, 4, 7, 12]))
    plan.push(debit(roundTo(r.int(20_000, 30_000), 100), '納税 固定資産税'));
  return plan;
};

/** A card loan's entries: debits borrow (the loan grows), credits repay. Interest 14.5% a year. */
const cardLoan: ActivityProfile = (ctx) => {
  const { random: r, level } = ctx;
  const plan: PlannedEntry[] = [];
  if (scheduled(ctx, 26, 'later')) {
    const interest = Math.floor((ctx.balance * 0.145) / 12);
    if (interest > 0) plan.push(debit(interest, 'ローン利息'));
    plan.push(credit(10_000, '約定返済'));
  }
  if (r.chance(0.025 / level)) plan.push(debit(r.pick([10_000, 20_000, 30_000, 50_000]), 'ATM借入'));
  if (r.chance(0.01 * level)) plan.push(credit(roundTo(r.int(10_000, 100_000), 10_000), '随時返済'));
  return plan;
};

const PROFILES: Record<Exclude<AccountType, 'time_deposit'>, ActivityProfile> = {
  ordinary,
  savings,
  card_deposit: cardDeposit,
  tax_reserve: taxReserve,
  card_loan: cardLoan,
};

export const plannedEntries = (ctx: DayContext): PlannedEntry[] => {
  const type = ctx.account.accountType;
  if (type === 'time_deposit') return [];
  return PROFILES[type](ctx);
};
