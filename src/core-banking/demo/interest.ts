/**
 * Interest arithmetic shared by the generated histories and the time deposits. Simplified where
 * the demo allows it (whole months instead of days), exact where a customer would notice: yen are
 * floored and the 20.315% withholding tax is deducted as two separately floored parts
 * (national 15.315%, local 5%), as Japanese banks do.
 */
export const netOfWithholdingTax = (grossYen: number): number =>
  grossYen - Math.floor(grossYen * 0.15315) - Math.floor(grossYen * 0.05);

/** Rate "0.125" (percent per year) as an integer number of thousandths of a percent: 125. */
const rateInMilliPercent = (rate: string): bigint => {
  const [whole, fraction = ''] = rate.split('.');
  return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0').slice(0, 3));
};

/** Gross interest for one term, before tax. Compound interest is compounded half-yearly. */
export const termInterest = (
  principalYen: number,
  ratePercent: string,
  termMonths: number,
  interestType: 'simple' | 'compound',
): number => {
  const milli = rateInMilliPercent(ratePercent);
  if (interestType === 'simple') {
    // BigInt keeps principal × rate × months exact beyond 2^53.
    return Number((BigInt(principalYen) * milli * BigInt(termMonths)) / (100_000n * 12n));
  }
  const halfYearRate = Number(milli) / 100_000 / 2;
  return Math.floor(principalYen * ((1 + halfYearRate) ** (termMonths / 6) - 1));
};
