import { MINUTE_MS, isoDateAt, jstClockText, jstDayStart, jstTimeText, parseIsoDate } from '../../shared/jst.ts';

/** A time as staff read it: Japan time, to the second ("2026-11-25 14:03:09"). */
export const formatJst = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms) ? '' : `${isoDateAt(ms)} ${jstClockText(ms)}`;

const LOCAL = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;

/** An <input type="datetime-local"> value, read as Japan time; undefined when empty or malformed (2025-02-30 too). */
export const parseJstLocal = (value: unknown): number | undefined => {
  if (typeof value !== 'string') return undefined;
  const m = LOCAL.exec(value);
  const day = m ? parseIsoDate(m[1]) : undefined;
  if (!m || day === undefined) return undefined;
  return jstDayStart(day) + (Number(m[2]) * 60 + Number(m[3])) * MINUTE_MS + Number(m[4] ?? 0) * 1000;
};

/** The reverse, to refill a datetime-local input ("2026-11-25T14:03"). */
export const toJstLocal = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms) ? '' : `${isoDateAt(ms)}T${jstTimeText(ms)}`;

/**
 * An export's file name, stamped in Japan time as the screen shows it, to the second, and saying
 * so: "audit-2026-12-02-134309-JST.csv". Two exports a minute apart never share a name.
 */
export const exportFileName = (name: string, ms: number, format: 'jsonl' | 'csv'): string =>
  `${name}-${isoDateAt(ms)}-${jstClockText(ms).replaceAll(':', '')}-JST.${format}`;
