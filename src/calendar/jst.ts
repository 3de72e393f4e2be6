/**
 * Japan time with a fixed +09:00 offset (Japan has no daylight saving time), so the answers never
 * depend on the host's time zone. A JST day is a whole number: days since 1970-01-01 in Japan.
 */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
const JST_OFFSET_MS = 9 * 60 * MINUTE_MS;

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

export const jstDayOf = (ms: number): JstDay => Math.floor((ms + JST_OFFSET_MS) / DAY_MS);

/** The instant (ms epoch) at which the JST day begins. */
export const jstDayStart = (day: JstDay): number => day * DAY_MS - JST_OFFSET_MS;

export const civilDateOf = (day: JstDay): CivilDate => {
  // The UTC fields of this Date are the JST calendar fields: it is shifted by the offset already.
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() };
};

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** "MM-DD", as closed periods are written. */
export const monthDayOf = (date: CivilDate): string => `${pad2(date.month)}-${pad2(date.day)}`;

/** "YYYY-MM-DD" */
export const isoDateOf = (day: JstDay): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** "2026-12-01T07:00:00+09:00" */
export const formatJst = (ms: number): string => `${new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19)}+09:00`;

/** "HH:MM" (or "24:00") to minutes after midnight. */
export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
