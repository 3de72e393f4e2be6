import type { TimeDeposit } from '../port.ts';
import type { DemoTimeDepositData } from './data-schema.ts';
import { netOfWithholdingTax, termInterest } from './interest.ts';
import { addMonths, isoDateOf, parseIsoDateOrThrow, type JstDay } from '../../shared/jst.ts';

/**
 * The deposits (明細) of a time-deposit account as they stand on `today`. The data file holds each
 * deposit as first made; an automatically renewed deposit that reached maturity is shown in its
 * current term: it starts on the old maturity date (counted from the first deposit date, so month
 * ends do not drift), keeps its rate (the demo has no rate table), and with
 * `principal_and_interest` its principal grows by the term's interest after tax. A deposit without
 * renewal stays listed after maturity (満期後, not yet withdrawn). Deposits made after `today` are
 * not shown.
 */
export const timeDepositsOn = (deposits: readonly DemoTimeDepositData[], today: JstDay): TimeDeposit[] =>
  deposits
    .map((deposit) => currentTerm(deposit, today))
    .filter((deposit): deposit is TimeDeposit => deposit !== undefined);

const currentTerm = (deposit: DemoTimeDepositData, today: JstDay): TimeDeposit | undefined => {
  const first = parseIsoDateOrThrow(deposit.depositDate);
  if (first > today) return undefined;
  let term = 0;
  let principal = deposit.principal;
  const renews = deposit.renewalType !== 'none';
  while (renews && addMonths(first, (term + 1) * deposit.termMonths) <= today) {
    if (deposit.renewalType === 'principal_and_interest') {
      principal += netOfWithholdingTax(
        termInterest(principal, deposit.interestRate, deposit.termMonths, deposit.interestType),
      );
    }
    term += 1;
  }
  return {
    depositNumber: deposit.depositNumber,
    depositDate: isoDateOf(addMonths(first, term * deposit.termMonths)),
    maturityDate: isoDateOf(addMonths(first, (term + 1) * deposit.termMonths)),
    principal: String(principal),
    interestRate: deposit.interestRate,
    termMonths: deposit.termMonths,
    interestType: deposit.interestType,
    renewalType: deposit.renewalType,
    currencyCode: 'JPY',
  };
};
