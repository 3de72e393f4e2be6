import type { TermsVersion } from '../config/load-config.ts';
import type { Clock } from '../shared/clock.ts';

const JST_OFFSET_MS = 9 * 3600 * 1000;
/** Today's date in Japan (YYYY-MM-DD), whatever the host's time zone. */
export const jstDate = (ms: number) => new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 10);

const byDate = (a: TermsVersion, b: TermsVersion) => a.effectiveFrom.localeCompare(b.effectiveFrom);

/** The version in force today (JST): the latest whose effective date has come. */
export const currentTerms = (versions: readonly TermsVersion[], clock: Clock): TermsVersion => {
  const today = jstDate(clock.now());
  const inForce = [...versions].sort(byDate).filter((v) => v.effectiveFrom <= today);
  return inForce[inForce.length - 1] ?? [...versions].sort(byDate)[0];
};

/** Versions announced but not yet in force, earliest first. */
export const upcomingTerms = (versions: readonly TermsVersion[], clock: Clock) => {
  const today = jstDate(clock.now());
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
