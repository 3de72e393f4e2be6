import { JST_OFFSET_MS } from '../../shared/jst.ts';

/** A time as staff read it: Japan time, to the second ("2026-11-25 14:03:09"). */
export const formatJst = (ms: number | undefined): string =>
  ms === undefined || !Number.isFinite(ms)
    ? ''
    : new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');

/** An <input type="datetime-local"> value, read as Japan time; undefined when empty or malformed. */
export const parseJstLocal = (value: unknown): number | undefined => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return undefined;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}+09:00`);
  return Number.isNaN(ms) ? undefined : ms;
};

/** The reverse, to refill a datetime-local input. */
export const toJstLocal = (ms: number | undefined): string =>
  ms === undefined ? '' : new Date(ms + JST_OFFSET_MS).toISOString().slice(0, 16);
