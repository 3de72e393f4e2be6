import type { CalendarRules } from './calendar-rules.ts';
import { DAY_MS, jstDayOf, jstDayStart } from '../shared/jst.ts';
import type { OneOffWindowRegistry } from './one-off-windows.ts';
import type { OpenIntervals } from './open-intervals.ts';
import type { Surface } from './surfaces.ts';
import type { ClosedReason, SurfaceStatus } from './types.ts';

const HORIZON_MS = 400 * DAY_MS;

/**
 * Open or closed at `at`, and until when. Walks the surface's open intervals day by day from
 * `at` (each day's intervals are its boundary times: hours, closures, midnight), so the answer
 * comes after a few days at most, except for a surface that never changes.
 */
export const surfaceStatus = (
  surface: Surface,
  at: number,
  deps: { rules: CalendarRules; oneOffs: OneOffWindowRegistry; openIntervals: OpenIntervals },
): SurfaceStatus => {
  const { rules, oneOffs, openIntervals } = deps;
  if (rules.alwaysOpen(surface) && !oneOffs.touches(surface)) return { open: true };

  const horizon = at + HORIZON_MS;
  const within = (ms: number): number | undefined => (ms <= horizon ? ms : undefined);
  let runEnd: number | undefined; // end of the open run that contains `at`, once found

  for (let day = jstDayOf(at); jstDayStart(day) <= horizon; day += 1) {
    for (const interval of openIntervals.on(surface, day)) {
      if (runEnd === undefined) {
        if (interval.end <= at) continue;
        if (interval.start > at)
          return { open: false, reason: closedReason(surface, at, deps), nextChange: within(interval.start) };
        runEnd = interval.end;
      } else if (interval.start === runEnd) {
        runEnd = interval.end; // open on through midnight
      } else {
        return { open: true, nextChange: within(runEnd) };
      }
    }
    if (runEnd !== undefined && runEnd < jstDayStart(day + 1)) return { open: true, nextChange: within(runEnd) };
  }
  return runEnd === undefined ? { open: false, reason: closedReason(surface, at, deps) } : { open: true };
};

/** Explicit closures explain more than "outside hours": closed period, then one-off, then maintenance. */
const closedReason = (
  surface: Surface,
  at: number,
  { rules, oneOffs }: { rules: CalendarRules; oneOffs: OneOffWindowRegistry },
): ClosedReason => {
  const day = jstDayOf(at);
  const info = rules.describeDay(day);
  if (rules.closedPeriodsOn(info).some((p) => p.surfaces.includes(surface))) return 'closed_period';
  if (oneOffs.overlapping(surface, { start: at, end: at + 1 }).length > 0) return 'one_off';
  const inMaintenance = [
    ...rules.maintenanceStartingOn(rules.describeDay(day - 1)),
    ...rules.maintenanceStartingOn(info),
  ].some((m) => m.surfaces.includes(surface) && m.start <= at && at < m.end);
  if (inMaintenance) return 'maintenance';
  return info.kind === 'sunday' || info.kind === 'holiday' ? 'holiday_hours' : 'outside_hours';
};
