import { closedPeriodCovers, type CalendarRules } from './calendar-rules.ts';
import type { ClosedPeriod } from './config-schema.ts';
import { formatJst, isoDateOf, jstDayOf, jstDayStart, monthDayOf, civilDateOf, type JstDay } from '../shared/jst.ts';
import { overlaps, type Interval } from './intervals.ts';
import type { OneOffWindowRegistry } from './one-off-windows.ts';
import type { OpenIntervals } from './open-intervals.ts';
import { bySurface } from './surfaces.ts';
import type { IsoRange, Schedule, ScheduleClosure, ScheduleDay } from './types.ts';

export const MAX_SCHEDULE_DAYS = 400;

const isoRange = ({ start, end }: Interval): IsoRange => ({ from: formatJst(start), to: formatJst(end) });

/** The plain-JSON schedule behind the service-status API and the public page. */
export const buildSchedule = (
  from: number,
  days: number,
  deps: { rules: CalendarRules; oneOffs: OneOffWindowRegistry; openIntervals: OpenIntervals },
): Schedule => {
  if (!Number.isInteger(days) || days < 1 || days > MAX_SCHEDULE_DAYS) {
    throw new RangeError(`days must be a whole number from 1 to ${MAX_SCHEDULE_DAYS}`);
  }
  const firstDay = jstDayOf(from);
  const lastDay = firstDay + days - 1;
  const range: Interval = { start: jstDayStart(firstDay), end: jstDayStart(lastDay + 1) };

  const scheduleDays: ScheduleDay[] = [];
  for (let day = firstDay; day <= lastDay; day += 1) scheduleDays.push(describeDay(day, deps));

  const closures: ScheduleClosure[] = [
    ...deps.rules.closedPeriods.flatMap((period) =>
      closedPeriodRuns(period, firstDay, lastDay).map((run): ScheduleClosure => ({
        kind: 'closed_period',
        surfaces: [...period.surfaces],
        ...isoRange(run),
      })),
    ),
    ...maintenanceOverlapping(range, firstDay, lastDay, deps.rules),
    ...deps.oneOffs
      .list()
      .filter((w) => overlaps({ start: Date.parse(w.from), end: Date.parse(w.to) }, range))
      .map((w): ScheduleClosure => ({
        kind: 'one_off',
        id: w.id,
        reason: w.reason,
        surfaces: [...w.surfaces],
        ...isoRange({ start: Date.parse(w.from), end: Date.parse(w.to) }),
      })),
  ];
  // Same offset everywhere, so the ISO strings sort as the instants do.
  closures.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));

  return { ...isoRange(range), days: scheduleDays, closures };
};

const describeDay = (
  day: JstDay,
  { rules, openIntervals }: { rules: CalendarRules; openIntervals: OpenIntervals },
): ScheduleDay => {
  const info = rules.describeDay(day);
  const surfaces: ScheduleDay['surfaces'] = bySurface((surface) => ({
    hours: rules.hoursOn(surface, info).map(isoRange),
    open: openIntervals.on(surface, day).map(isoRange),
  }));
  return {
    date: isoDateOf(day),
    kind: info.kind,
    ...(info.holidayName ? { holidayName: info.holidayName } : {}),
    surfaces,
  };
};

// A closed period is at most a year long; looking that far past the range finds its true ends.
const YEAR_DAYS = 366;

/** The whole runs of days the period covers that touch [firstDay, lastDay]. */
const closedPeriodRuns = (period: ClosedPeriod, firstDay: JstDay, lastDay: JstDay): Interval[] => {
  const covers = (day: JstDay): boolean => closedPeriodCovers(period, monthDayOf(civilDateOf(day)));
  const runs: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day += 1) {
    if (!covers(day)) continue;
    let start = day;
    while (covers(start - 1) && firstDay - start < YEAR_DAYS) start -= 1;
    let end = day;
    while (covers(end + 1) && end - lastDay < YEAR_DAYS) end += 1;
    runs.push({ start: jstDayStart(start), end: jstDayStart(end + 1) });
    day = end;
  }
  return runs;
};

const maintenanceOverlapping = (
  range: Interval,
  firstDay: JstDay,
  lastDay: JstDay,
  rules: CalendarRules,
): ScheduleClosure[] => {
  const found: ScheduleClosure[] = [];
  // From the day before: a window that starts then may reach into the range.
  for (let day = firstDay - 1; day <= lastDay; day += 1) {
    for (const occurrence of rules.maintenanceStartingOn(rules.describeDay(day))) {
      if (overlaps(occurrence, range))
        found.push({ kind: 'maintenance', surfaces: [...occurrence.surfaces], ...isoRange(occurrence) });
    }
  }
  return found;
};
