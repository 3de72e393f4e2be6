/**
 * Japan time, with a fixed +09:00 offset (Japan has no daylight saving time), so that no answer
 * depends on the host's time zone: every Date here is shifted by the offset and read with its UTC
 * getters. A JST day is a whole number: days since 1970-01-01 in Japan.
 */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const JST_OFFSET_MS = 9 * 60 * MINUTE_MS;

export type JstDay = number;

export interface CivilDate {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** The JST day that contains the instant `ms`. */
export const jstDayOf = (ms: number): JstDay => Math.floor((ms + JST_OFFSET_MS) / DAY_MS);

/** The instant (ms epoch) at which the JST day begins. */
export const jstDayStart = (day: JstDay): number => day * DAY_MS - JST_OFFSET_MS;

export const civilDateOf = (day: JstDay): CivilDate => {
  // The UTC fields of this Date are the JST calendar fields: it is shifted by the offset already.
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
};

/** The JST day of a calendar date (month 1–12; out-of-range days roll over like Date.UTC). */
export const dayOf = (year: number, month: number, dayOfMonth: number): JstDay =>
  Date.UTC(year, month - 1, dayOfMonth) / DAY_MS;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "MM-DD", as closed periods are written. */
export const monthDayOf = (date: CivilDate): string => `${pad2(date.month)}-${pad2(date.day)}`;

/** "YYYY-MM-DD" of a JST day. */
export const isoDateOf = (day: JstDay): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** "YYYY-MM-DD": the date in Japan at the instant `ms`. */
export const isoDateAt = (ms: number): string => isoDateOf(jstDayOf(ms));

/** "2026-12-01T07:00:00+09:00" */
export const formatJst = (ms: number): string => `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;

/** "2026-12-01T07:00:00.123+09:00": the same instant as an ISO 8601 UTC time, to the millisecond, in Japan time. */
export const formatJstMillis = (ms: number): string =>
  `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 23)}+09:00`;

/** "07:00:09": the time of day in Japan at the instant `ms`, to the second. */
export const jstClockText = (ms: number): string => new Date(ms + JST_OFFSET_MS).toISOString().slice(11, 19);

/** "HH:MM" (or "24:00") to minutes after midnight. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD`; undefined for anything else, including days that do not exist (2025-02-30). */
export const parseIsoDate = (text: string): JstDay | undefined => {
  const m = DATE_PATTERN.exec(text);
  if (!m) return undefined;
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return isoDateOf(day) === text ? day : undefined;
};

export const parseIsoDateOrThrow = (text: string): JstDay => {
  const day = parseIsoDate(text);
  if (day === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  return day;
};

export const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The same day of the month `months` later (the 応当日), or the month's last day when that month is
 * shorter: 2025-01-31 + 1 month = 2025-02-28.
 */
export const addMonths = (day: JstDay, months: number): JstDay => {
  const date = civilDateOf(day);
  const index = date.year * 12 + (date.month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return dayOf(y, m, Math.min(date.day, lastDayOfMonth(y, m)));
};

/** The last day of the month before the one containing `day`. */
export const endOfPreviousMonth = (day: JstDay): JstDay => {
  const { year, month } = civilDateOf(day);
  return dayOf(year, month, 0);
};

const isWeekend = (day: JstDay): boolean => {
  const weekday = civilDateOf(day).weekday;
  return weekday === 0 || weekday === 6;
};

/** The day itself, or the next Monday when it falls on a weekend (national holidays are not considered). */
export const weekdayOnOrAfter = (day: JstDay): JstDay => {
  let d = day;
  while (isWeekend(d)) d += 1;
  return d;
};

/** The day itself, or the Friday before when it falls on a weekend (national holidays are not considered). */
export const weekdayOnOrBefore = (day: JstDay): JstDay => {
  let d = day;
  while (isWeekend(d)) d -= 1;
  return d;
};

// Text for customers, in the page's language.
type Locale = 'ja' | 'en';

const WEEKDAYS: Record<Locale, readonly string[]> = {
  ja: ['日', '月', '火', '水', '木', '金', '土'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "HH:MM" in Japan at the instant `ms`. */
const timeAt = (ms: number): string => new Date(ms + JST_OFFSET_MS).toISOString().slice(11, 16);

/** "12月1日（火）" / "Tue 1 Dec" (with the year when asked). */
export const jstDateText = (ms: number, locale: Locale, options: { year?: boolean } = {}): string => {
  const f = civilDateOf(jstDayOf(ms));
  const weekday = WEEKDAYS[locale][f.weekday];
  if (locale === 'ja') return `${options.year ? `${f.year}年` : ''}${f.month}月${f.day}日（${weekday}）`;
  return `${weekday} ${f.day} ${MONTHS_EN[f.month - 1]}${options.year ? ` ${f.year}` : ''}`;
};

/**
 * "2027年3月2日（火）" / "Tue 2 Mar 2027": a calendar date given as "YYYY-MM-DD" (a terms version's
 * effective date), written as every page writes dates. Throws on anything that is not such a date.
 */
export const isoDateText = (iso: string, locale: Locale): string =>
  jstDateText(jstDayStart(parseIsoDateOrThrow(iso)), locale, { year: true });

/** "2026年12月1日（火）07:00" / "Tue 1 Dec 2026, 07:00" — Japan time, for customers. */
export const jstDateTimeText = (ms: number, locale: Locale): string =>
  `${jstDateText(ms, locale, { year: true })}${locale === 'ja' ? '' : ','} ${timeAt(ms)}`;

/** "07:00"; the end of a span that reaches the next midnight reads "24:00". */
export const jstTimeText = (ms: number, options: { endOfDay?: number } = {}): string =>
  options.endOfDay !== undefined && ms === options.endOfDay ? '24:00' : timeAt(ms);
