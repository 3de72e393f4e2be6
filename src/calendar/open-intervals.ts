import type { CalendarRules } from './calendar-rules.ts';
import { DAY_MS, jstDayStart, type JstDay } from '../shared/jst.ts';
import { subtractIntervals, type Interval } from './intervals.ts';
import type { OneOffWindowRegistry } from './one-off-windows.ts';
import type { Surface } from './surfaces.ts';

export interface OpenIntervals {
  /** When the surface is open during the JST day: regular hours minus every closure. */
  on(surface: Surface, day: JstDay): Interval[];
}

// Enough for every surface over the 400-day look-ahead, twice.
const MAX_CACHED = 4 * 800;

export const createOpenIntervals = (rules: CalendarRules, oneOffs: OneOffWindowRegistry): OpenIntervals => {
  // status() walks the same days on every request: computing a day once makes a walk a few lookups.
  const cache = new Map<string, Interval[]>();
  let cachedVersion = oneOffs.version();

  const compute = (surface: Surface, day: JstDay): Interval[] => {
    const info = rules.describeDay(day);
    const hours = rules.hoursOn(surface, info);
    if (hours.length === 0) return hours;
    if (rules.closedPeriodsOn(info).some((p) => p.surfaces.includes(surface))) return [];
    const dayStart = jstDayStart(day);
    const closures: Interval[] = [
      // Yesterday's windows can run past midnight into this day.
      ...rules.maintenanceStartingOn(rules.describeDay(day - 1)),
      ...rules.maintenanceStartingOn(info),
    ].filter((m) => m.surfaces.includes(surface));
    closures.push(...oneOffs.overlapping(surface, { start: dayStart, end: dayStart + DAY_MS }));
    return subtractIntervals(hours, closures);
  };

  return {
    on(surface, day) {
      if (oneOffs.version() !== cachedVersion) {
        cache.clear();
        cachedVersion = oneOffs.version();
      }
      const key = `${surface}|${day}`;
      let intervals = cache.get(key);
      if (!intervals) {
        intervals = compute(surface, day);
        if (cache.size >= MAX_CACHED) cache.clear();
        cache.set(key, intervals);
      }
      return intervals;
    },
  };
};
