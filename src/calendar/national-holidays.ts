import holidayJp from '@holiday-jp/holiday_jp';
import { civilDateOf, type CivilDate, type JstDay } from '../shared/jst.ts';

/** Japan's national holidays (振替休日 and 国民の休日 included), by JST day. */
export interface NationalHolidays {
  /** The holiday's Japanese name, or undefined on an ordinary day. */
  nameOf(day: JstDay): string | undefined;
}

// Days looked up stay few (today plus a look-ahead), but a process runs for years: keep it bounded.
const MAX_CACHED_DAYS = 4096;

export const createNationalHolidays = (): NationalHolidays => {
  const cache = new Map<JstDay, string | null>();
  return {
    nameOf(day) {
      let name = cache.get(day);
      if (name === undefined) {
        const date = packageDateFor(civilDateOf(day));
        name = holidayJp.between(date, date)[0]?.name ?? null;
        if (cache.size >= MAX_CACHED_DAYS) cache.clear();
        cache.set(day, name);
      }
      return name ?? undefined;
    },
  };
};

/**
 * The package reads the local-time fields of the Date it is given (getFullYear, getMonth,
 * getDate), so a Date for the JST date must carry that date in the host's local time, whatever TZ
 * is. Noon keeps it on that date even where a DST change skips or repeats midnight.
 */
const packageDateFor = ({ year, month, day }: CivilDate): Date => new Date(year, month - 1, day, 12);
