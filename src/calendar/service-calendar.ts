import type { Clock } from '../shared/clock.ts';
import { compileCalendarRules } from './calendar-rules.ts';
import type { CalendarConfig } from './config-schema.ts';
import { createNationalHolidays } from './national-holidays.ts';
import { createOneOffWindowRegistry } from './one-off-windows.ts';
import { createOpenIntervals } from './open-intervals.ts';
import { parseCalendarConfig } from './parse-config.ts';
import { buildSchedule } from './schedule.ts';
import { surfaceStatus } from './surface-status.ts';
import type { ServiceCalendar } from './types.ts';

/**
 * The bank's service calendar: which surface is open when, in Japan time whatever the host's
 * time zone. Throws CalendarConfigError for a config that fails validation.
 */
export const createServiceCalendar = (config: CalendarConfig, deps: { clock: Clock }): ServiceCalendar => {
  // A copy: the caller changing its object later must not change the calendar under way.
  const valid = parseCalendarConfig(structuredClone(config));
  const rules = compileCalendarRules(valid, createNationalHolidays());
  const oneOffs = createOneOffWindowRegistry(valid.oneOffWindows ?? []);
  const parts = { rules, oneOffs, openIntervals: createOpenIntervals(rules, oneOffs) };

  return {
    status: (surface, at = deps.clock.now()) => surfaceStatus(surface, at, parts),
    schedule: (from, days) => buildSchedule(from, days, parts),
    addOneOffWindow: (window) => oneOffs.add(window),
    removeOneOffWindow: (id) => oneOffs.remove(id),
    oneOffWindows: () => oneOffs.list(),
    loadOneOffWindows: (windows) => oneOffs.replaceAll(windows),
  };
};
