import type { Locale } from '../i18n/index.ts';

const JST_OFFSET_MS = 9 * 3600 * 1000;
const WEEKDAYS: Record<Locale, readonly string[]> = {
  ja: ['日', '月', '火', '水', '木', '金', '土'],
  en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
};
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The JST calendar fields of an instant, whatever the host's time zone. */
const fields = (ms: number) => {
  const d = new Date(ms + JST_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
    time: d.toISOString().slice(11, 16),
  };
};

/** "12月1日（火）" / "Tue 1 Dec" (with the year when asked). */
export const jstDateText = (ms: number, locale: Locale, options: { year?: boolean } = {}): string => {
  const f = fields(ms);
  const weekday = WEEKDAYS[locale][f.weekday];
  if (locale === 'ja') return `${options.year ? `${f.year}年` : ''}${f.month}月${f.day}日（${weekday}）`;
  return `${weekday} ${f.day} ${MONTHS_EN[f.month - 1]}${options.year ? ` ${f.year}` : ''}`;
};

/** "2026年12月1日（火）07:00" / "Tue 1 Dec 2026, 07:00" — Japan time, for customers. */
export const jstDateTimeText = (ms: number, locale: Locale): string =>
  `${jstDateText(ms, locale, { year: true })}${locale === 'ja' ? '' : ','} ${fields(ms).time}`;

/** "07:00"; the end of a span that reaches the next midnight reads "24:00". */
export const jstTimeText = (ms: number, options: { endOfDay?: number } = {}): string =>
  options.endOfDay !== undefined && ms === options.endOfDay ? '24:00' : fields(ms).time;
