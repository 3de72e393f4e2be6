import { SURFACES, type IsoRange, type ScheduleClosure, type ScheduleDay, type Surface } from '../calendar/index.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import { jstDateText, jstDateTimeText, jstTimeText } from '../shared/jst.ts';
import type { ServiceStatus } from './service-status.ts';

/** The surfaces a customer meets, as columns of the day table. */
const DAY_TABLE_SURFACES: Surface[] = ['authorization', 'data_api'];

const surfaceName = (t: Translate, surface: Surface) => t(`surface.${surface}` as const);

/** "07:00–23:00, …" for one day, or the day's "closed" word. */
const openText = (day: ScheduleDay, surface: Surface, t: Translate) => {
  const endOfDay = Date.parse(`${day.date}T00:00:00+09:00`) + 86_400_000;
  const spans = day.surfaces[surface].open.map(
    (r: IsoRange) => `${jstTimeText(Date.parse(r.from))}–${jstTimeText(Date.parse(r.to), { endOfDay })}`,
  );
  return spans.length > 0 ? spans.join(', ') : t('hours.closed_all_day');
};

const DAY_MS = 86_400_000;
/** At least this many consecutive days of the same window make it "daily". */
const DAILY_AFTER = 7;

/**
 * The closures as a customer reads them: a window that recurs at the same time every day is one
 * line ("毎日 03:00–03:15"), not thirty; the others keep their dates.
 */
const summariseClosures = (closures: ScheduleClosure[]) => {
  const groups = new Map<string, ScheduleClosure[]>();
  for (const c of closures) {
    const from = Date.parse(c.from);
    const identity = c.kind === 'one_off' ? c.id : c.kind;
    const key = `${identity}|${c.surfaces.join()}|${from % DAY_MS}|${Date.parse(c.to) - from}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines: { closure: ScheduleClosure; daily: boolean }[] = [];
  for (const members of groups.values()) {
    const consecutive = members.every(
      (c, i) => i === 0 || Date.parse(c.from) - Date.parse(members[i - 1].from) === DAY_MS,
    );
    if (members.length >= DAILY_AFTER && consecutive) lines.push({ closure: members[0], daily: true });
    else lines.push(...members.map((closure) => ({ closure, daily: false })));
  }
  return lines.sort(
    (a, b) => Number(b.daily) - Number(a.daily) || Date.parse(a.closure.from) - Date.parse(b.closure.from),
  );
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
  closures: summariseClosures(status.schedule.closures).map(({ closure: c, daily }) => ({
    kind:
      c.kind === 'one_off' ? t('hours.closure.one_off', { reason: c.reason }) : t(`hours.closure.${c.kind}` as const),
    surfaces: c.surfaces.map((s) => surfaceName(t, s)).join(locale === 'ja' ? '、' : ', '),
    when: daily
      ? t('hours.closure.daily', {
          from: jstTimeText(Date.parse(c.from)),
          to: jstTimeText(Date.parse(c.to), { endOfDay: Date.parse(c.from) - (Date.parse(c.from) % DAY_MS) + DAY_MS }),
        })
      : `${jstDateTimeText(Date.parse(c.from), locale)} – ${jstDateTimeText(Date.parse(c.to), locale)}`,
  })),
});
