import { bySurface, formatJst, type Schedule, type ServiceCalendar, type Surface } from '../calendar/index.ts';
import type { Clock } from '../shared/clock.ts';
import type { Availability, AvailabilityAnswer, LocalizedMessage, Restriction } from './types.ts';

/** How far ahead partners and customers can plan. */
export const STATUS_DAYS = 30;

export type SurfaceState =
  | { open: true; nextChange?: string }
  | { open: false; cause: 'calendar' | 'restriction'; reason?: string; nextChange?: string };

export interface PublicRestriction {
  scope: { kind: 'service' } | { kind: 'surface'; surface: Surface };
  message: LocalizedMessage;
  until?: string;
}

/** GET /api/v1/service-status (docs/openapi/data-api.json, ServiceStatusResponse). */
export interface ServiceStatus {
  now: string;
  surfaces: Record<Surface, SurfaceState>;
  restrictions: PublicRestriction[];
  schedule: Schedule;
}

const surfaceState = (a: AvailabilityAnswer): SurfaceState => {
  if (a.open) return a.closesAt === undefined ? { open: true } : { open: true, nextChange: formatJst(a.closesAt) };
  return {
    open: false,
    cause: a.cause,
    ...(a.reason === undefined ? {} : { reason: a.reason }),
    ...(a.opensAt === undefined ? {} : { nextChange: formatJst(a.opensAt) }),
  };
};

/** A restriction of one partner concerns that partner only: the public sees the others. */
const publicRestriction = (r: Restriction): PublicRestriction[] => {
  if (r.scope.kind === 'partner') return [];
  const scope =
    r.scope.kind === 'surface' ? { kind: 'surface' as const, surface: r.scope.surface } : { kind: 'service' as const };
  return [
    {
      scope,
      message: { ja: r.message.ja, en: r.message.en },
      ...(r.until === undefined ? {} : { until: formatJst(r.until) }),
    },
  ];
};

/**
 * What is open now (calendar and restrictions, for no partner in particular), until when, and the
 * schedule of the next days: their hours, what is really open, and every closure.
 */
export const serviceStatus = (
  deps: { availability: Availability; calendar: ServiceCalendar; clock: Clock },
  days = STATUS_DAYS,
): ServiceStatus => {
  const now = deps.clock.now();
  return {
    now: formatJst(now),
    surfaces: bySurface((s) => surfaceState(deps.availability.check(s))),
    restrictions: deps.availability.activeRestrictions().flatMap(publicRestriction),
    schedule: deps.calendar.schedule(now, days),
  };
};
