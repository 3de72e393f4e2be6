import type {
  CalendarConfig,
  ClosedPeriod,
  HoursKind,
  MaintenanceWindow,
  Recurrence,
  SurfaceHours,
} from './config-schema.ts';
import {
  civilDateOf,
  DAY_MS,
  jstDayStart,
  MINUTE_MS,
  minutesOf,
  monthDayOf,
  type CivilDate,
  type JstDay,
} from '../shared/jst.ts';
import { mergeIntervals, type Interval } from './intervals.ts';
import type { NationalHolidays } from './national-holidays.ts';
import { bySurface, type Surface } from './surfaces.ts';

export type DayKind = 'weekday' | 'saturday' | 'sunday' | 'holiday';

export interface DayInfo {
  day: JstDay;
  date: CivilDate;
  kind: DayKind;
  holidayName?: string;
}

/** A recurring closure as it applies to one particular night or day. */
export interface Occurrence extends Interval {
  surfaces: Surface[];
}

/**
 * The fixed part of the calendar (hours, maintenance, closed periods), compiled from the config
 * for quick per-day questions. One-off windows change at run time and live elsewhere.
 */
export interface CalendarRules {
  describeDay(day: JstDay): DayInfo;
  /** Regular opening hours of the surface on that day, before any closure. */
  hoursOn(surface: Surface, info: DayInfo): Interval[];
  readonly closedPeriods: readonly ClosedPeriod[];
  /** Closed periods covering the day (whole days). */
  closedPeriodsOn(info: DayInfo): ClosedPeriod[];
  /** Maintenance windows that start on the day (they may run into the next one). */
  maintenanceStartingOn(info: DayInfo): Occurrence[];
  /** True when no rule ever closes the surface: open all day on every kind of day. */
  alwaysOpen(surface: Surface): boolean;
}

const ALWAYS_OPEN_HOURS: SurfaceHours = {
  weekdays: [{ from: '00:00', to: '24:00' }],
  saturdays: [{ from: '00:00', to: '24:00' }],
  sundaysAndHolidays: [{ from: '00:00', to: '24:00' }],
};

/** Minutes after midnight. */
type MinuteRanges = Record<HoursKind, Interval[]>;

export const compileCalendarRules = (config: CalendarConfig, holidays: NationalHolidays): CalendarRules => {
  const hours = bySurface((surface): MinuteRanges => {
    const configured = config.hours[surface] ?? ALWAYS_OPEN_HOURS;
    const ranges = (kind: HoursKind) =>
      mergeIntervals(configured[kind].map((r) => ({ start: minutesOf(r.from), end: minutesOf(r.to) })));
    return {
      weekdays: ranges('weekdays'),
      saturdays: ranges('saturdays'),
      sundaysAndHolidays: ranges('sundaysAndHolidays'),
    };
  });

  const maintenance = (config.maintenance ?? []).map(compileMaintenance);
  const closedPeriods = config.closedPeriods ?? [];

  const alwaysOpen = (surface: Surface): boolean =>
    Object.values(hours[surface]).every(
      (ranges) => ranges.length === 1 && ranges[0].start === 0 && ranges[0].end === 24 * 60,
    ) &&
    !maintenance.some((m) => m.surfaces.includes(surface)) &&
    !closedPeriods.some((p) => p.surfaces.includes(surface));

  return {
    describeDay(day) {
      const date = civilDateOf(day);
      const holidayName = holidays.nameOf(day);
      const kind: DayKind = holidayName
        ? 'holiday'
        : date.weekday === 0
          ? 'sunday'
          : date.weekday === 6
            ? 'saturday'
            : 'weekday';
      return holidayName ? { day, date, kind, holidayName } : { day, date, kind };
    },
    hoursOn(surface, info) {
      const start = jstDayStart(info.day);
      return hours[surface][hoursKindOf(info.kind)].map((r) => ({
        start: start + r.start * MINUTE_MS,
        end: start + r.end * MINUTE_MS,
      }));
    },
    closedPeriods,
    closedPeriodsOn(info) {
      const monthDay = monthDayOf(info.date);
      return closedPeriods.filter((p) => closedPeriodCovers(p, monthDay));
    },
    maintenanceStartingOn(info) {
      const dayStart = jstDayStart(info.day);
      return maintenance
        .filter((m) => m.occursOn(info.date))
        .map((m) => ({
          start: dayStart + m.startMinute * MINUTE_MS,
          end: dayStart + m.endMinute * MINUTE_MS,
          surfaces: m.surfaces,
        }));
    },
    alwaysOpen,
  };
};

/** "MM-DD" strings order like the days they name, so a range test is a string comparison. */
export const closedPeriodCovers = (period: ClosedPeriod, monthDay: string): boolean =>
  period.from <= period.to
    ? period.from <= monthDay && monthDay <= period.to
    : monthDay >= period.from || monthDay <= period.to;

const hoursKindOf = (kind: DayKind): HoursKind =>
  kind === 'weekday' ? 'weekdays' : kind === 'saturday' ? 'saturdays' : 'sundaysAndHolidays';

const compileMaintenance = (window: MaintenanceWindow) => {
  const startMinute = minutesOf(window.start);
  const endOnDay = minutesOf(window.end);
  return {
    surfaces: window.surfaces,
    startMinute,
    // An end at or before the start is on the next day ("22:00"–"06:00").
    endMinute: endOnDay > startMinute ? endOnDay : endOnDay + DAY_MS / MINUTE_MS,
    occursOn: recurrenceTest(window.recurrence),
  };
};

const recurrenceTest = (recurrence: Recurrence): ((date: CivilDate) => boolean) => {
  if (recurrence.type === 'daily') return () => true;
  const { weekday, nth } = recurrence;
  return (date) => date.weekday === weekday && nth.includes(Math.ceil(date.day / 7));
};
