export { createServiceCalendar } from './service-calendar.ts';
export { calendarConfigSchema, oneOffWindowSchema } from './config-schema.ts';
export type {
  CalendarConfig,
  ClosedPeriod,
  MaintenanceWindow,
  OneOffWindow,
  Recurrence,
  SurfaceHours,
  TimeRange,
} from './config-schema.ts';
export { CalendarConfigError, parseCalendarConfig, parseOneOffWindow } from './parse-config.ts';
export { SURFACES, bySurface, isSurface, type Surface } from './surfaces.ts';
export { formatJst } from '../shared/jst.ts';
export type { DayKind } from './calendar-rules.ts';
export type {
  ClosedReason,
  IsoRange,
  Schedule,
  ScheduleClosure,
  ScheduleDay,
  ServiceCalendar,
  SurfaceStatus,
} from './types.ts';
