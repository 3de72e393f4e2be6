/**
 * Calendar days in Japan Standard Time as integers ("day numbers": days since 1970-01-01).
 * JST is UTC+9 all year (Japan has no daylight saving time), so a fixed offset is exact and the
 * host's own time zone never matters: every Date here is read with its UTC getters.
 */
const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 3_600_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export type DayNumber = number;

/** The JST calendar day containing the instant `epochMs`. */
export const jstDay = (epochMs: number): DayNumber => Math.floor((epochMs + JST_OFFSET_MS) / DAY_MS);

/** `YYYY-MM-DDTHH:MM:SS+09:00` for the instant `epochMs`. */
export const formatJstDateTime = (epochMs: number): string =>
  `${new Date(epochMs + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;

export const formatDay = (day: DayNumber): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Parses `YYYY-MM-DD`; undefined for anything else, including days that do not exist (2025-02-30). */
export const parseDay = (text: string): DayNumber | undefined => {
  const m = DATE_PATTERN.exec(text);
  if (!m) return undefined;
  const day = dayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return formatDay(day) === text ? day : undefined;
};

export const parseDayOrThrow = (text: string): DayNumber => {
  const day = parseDay(text);
  if (day === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(text)}`);
  return day;
};

/** The day number of a calendar date (month 1–12; out-of-range days roll over like Date.UTC). */
export const dayOf = (year: number, month: number, dayOfMonth: number): DayNumber =>
  Date.UTC(year, month - 1, dayOfMonth) / DAY_MS;

export interface CalendarDate {
  year: number;
  month: number; // 1–12
  dayOfMonth: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

export const calendarDate = (day: DayNumber): CalendarDate => {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate(), weekday: d.getUTCDay() };
};

export const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The same day of the month `months` later (the 応当日), or the month's last day when that month is
 * shorter: 2025-01-31 + 1 month = 2025-02-28.
 */
export const addMonths = (day: DayNumber, months: number): DayNumber => {
  const { year, month, dayOfMonth } = calendarDate(day);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return dayOf(y, m, Math.min(dayOfMonth, lastDayOfMonth(y, m)));
};

/** The last day of the month before the one containing `day`. */
export const endOfPreviousMonth = (day: DayNumber): DayNumber => {
  const { year, month } = calendarDate(day);
  return dayOf(year, month, 0);
};

const isWeekend = (day: DayNumber): boolean => {
  const weekday = calendarDate(day).weekday;
  return weekday === 0 || weekday === 6;
};

/**
 * Weekday rolling for scheduled items (direct debits move to the next weekday, pay days to the
 * previous one). National holidays are not considered: the demo history only needs to look plausible.
 */
export const weekdayOnOrAfter = (day: DayNumber): DayNumber => {
  let d = day;
  while (isWeekend(d)) d += 1;
  return d;
};

export const weekdayOnOrBefore = (day: DayNumber): DayNumber => {
  let d = day;
  while (isWeekend(d)) d -= 1;
  return d;
};
