import { SURFACES, type IsoRange, type ScheduleDay, type Surface } from '../calendar/index.ts';
import type { Locale, MessageKey, Translate } from '../i18n/index.ts';
import { jstDateText, jstDateTimeText, jstTimeText } from './jst-text.ts';
import type { ServiceStatus } from './service-status.ts';

/** The surfaces a customer meets, as columns of the day table. */
const DAY_TABLE_SURFACES: Surface[] = ['authorization', 'data_api'];

const surfaceName = (t: Translate, surface: Surface) => t(`surface.${surface}` as MessageKey);

/** "07:00–23:00, …" for one day, or the day's "closed" word. */
const openText = (day: ScheduleDay, surface: Surface, t: Translate) => {
  const endOfDay = Date.parse(`${day.date}T00:00:00+09:00`) + 86_400_000;
  const spans = day.surfaces[surface].open.map(
    (r: IsoRange) => `${jstTimeText(Date.parse(r.from))}–${jstTimeText(Date.parse(r.to), { endOfDay })}`,
  );
  return spans.length > 0 ? spans.join(', ') : t('hours.closed_all_day');
};

/** Everything views/service-hours.eta shows, already in words of the page's language. */
export const serviceHoursView = (status: ServiceStatus, locale: Locale, t: Translate) => ({
  now: jstDateTimeText(Date.parse(status.now), locale),
  surfaces: SURFACES.map((surface) => {
    const state = status.surfaces[surface];
    const at = state.nextChange === undefined ? undefined : jstDateTimeText(Date.parse(state.nextChange), locale);
    const text = state.open
      ? at
        ? t('hours.open_until', { time: at })
        : t('hours.open')
      : at
        ? t('hours.closed_until', { time: at })
        : t('hours.closed');
    return { name: surfaceName(t, surface), open: state.open, text };
  }),
  restrictions: status.restrictions.map((r) => ({
    message: r.message[locale],
    until: r.until === undefined ? undefined : jstDateTimeText(Date.parse(r.until), locale),
  })),
  dayColumns: DAY_TABLE_SURFACES.map((surface) => surfaceName(t, surface)),
  days: status.schedule.days.map((day) => ({
    date: jstDateText(Date.parse(`${day.date}T00:00:00+09:00`), locale),
    holidayName: day.holidayName,
    open: DAY_TABLE_SURFACES.map((surface) => openText(day, surface, t)),
  })),
  closures: status.schedule.closures.map((c) => ({
    kind:
      c.kind === 'one_off'
        ? t('hours.closure.one_off', { reason: c.reason })
        : t(`hours.closure.${c.kind}` as MessageKey),
    surfaces: c.surfaces.map((s) => surfaceName(t, s)).join(locale === 'ja' ? '、' : ', '),
    from: jstDateTimeText(Date.parse(c.from), locale),
    to: jstDateTimeText(Date.parse(c.to), locale),
  })),
});
