import type { OneOffWindow } from './config-schema.ts';
import type { DayKind } from './calendar-rules.ts';
import type { Surface } from './surfaces.ts';

export type ClosedReason = 'outside_hours' | 'holiday_hours' | 'closed_period' | 'maintenance' | 'one_off';

export interface SurfaceStatus {
  open: boolean;
  /** Why it is closed (only when closed); see docs/calendar.md for which reason wins. */
  reason?: ClosedReason;
  /** ms epoch when it opens (if closed) or closes (if open); undefined if not within 400 days. */
  nextChange?: number;
}

/** A span in Japan time, as ISO 8601 with +09:00. */
export interface IsoRange {
  from: string;
  to: string;
}

export interface ScheduleDay {
  /** "YYYY-MM-DD", the JST date */
  date: string;
  kind: DayKind;
  /** Japanese name of the national holiday, when it is one. */
  holidayName?: string;
  surfaces: Record<
    Surface,
    {
      /** The regular hours for this kind of day. */
      hours: IsoRange[];
      /** What is actually open that day, after closed periods, maintenance and one-off windows. */
      open: IsoRange[];
    }
  >;
}

export type ScheduleClosure = IsoRange & { surfaces: Surface[] } & (
    { kind: 'closed_period' | 'maintenance' } | { kind: 'one_off'; id: string; reason: string }
  );

export interface Schedule extends IsoRange {
  days: ScheduleDay[];
  /** Every closure overlapping the range, whole (it may start before or end after it), by start time. */
  closures: ScheduleClosure[];
}

export interface ServiceCalendar {
  status(surface: Surface, at?: number): SurfaceStatus;
  /** `days` whole JST days, starting with the one that contains `from`. */
  schedule(from: number, days: number): Schedule;
  /** Throws CalendarConfigError when the window is invalid or its id is taken. */
  addOneOffWindow(window: OneOffWindow): OneOffWindow;
  removeOneOffWindow(id: string): boolean;
  oneOffWindows(): OneOffWindow[];
  /** Replaces every one-off window (e.g. with the persisted list); all or nothing. */
  loadOneOffWindows(windows: OneOffWindow[]): void;
}
