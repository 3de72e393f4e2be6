import type { TermsVersion } from '../config/load-config.ts';
import type { Clock } from '../shared/clock.ts';
import { isoDateAt } from '../shared/jst.ts';

const byDate = (a: TermsVersion, b: TermsVersion) => a.effectiveFrom.localeCompare(b.effectiveFrom);

/** The version in force today (JST): the latest whose effective date has come. */
export const currentTerms = (versions: readonly TermsVersion[], clock: Clock): TermsVersion => {
  const today = isoDateAt(clock.now());
  const inForce = [...versions].sort(byDate).filter((v) => v.effectiveFrom <= today);
  return inForce[inForce.length - 1] ?? [...versions].sort(byDate)[0];
};

/** Versions announced but not yet in force, earliest first. */
export const upcomingTerms = (versions: readonly TermsVersion[], clock: Clock) => {
  const today = isoDateAt(clock.now());
  return [...versions].sort(byDate).filter((v) => v.effectiveFrom > today);
};

/** Versions no longer in force, newest first (grants agreed under them still cite them). */
export const pastTerms = (versions: readonly TermsVersion[], clock: Clock) => {
  const current = currentTerms(versions, clock);
  return [...versions]
    .sort(byDate)
    .filter((v) => v.effectiveFrom < current.effectiveFrom)
    .reverse();
};
