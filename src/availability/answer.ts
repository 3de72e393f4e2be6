import type { ServiceCalendar, Surface } from '../calendar/index.ts';
import type { AvailabilityAnswer, Restriction } from './types.ts';

/**
 * Whether the restriction closes the surface for the partner (a partner's covers all its surfaces).
 * A whole-service restriction stops linking and sharing, never the customer's own page: ending a
 * linkage there is how a customer stops sharing, which matters most while the service is stopped
 * (a leak, fraud). Only a restriction of the my_page surface itself (or its calendar) closes /my.
 */
export const restricts = (r: Restriction, surface: Surface, partnerId: string | undefined): boolean =>
  (r.scope.kind === 'service' && surface !== 'my_page') ||
  (r.scope.kind === 'surface' && r.scope.surface === surface) ||
  (r.scope.kind === 'partner' && r.scope.partnerId === partnerId);

export const inForce = (r: Restriction, now: number): boolean => r.until === undefined || r.until > now;

// When several apply, the customer reads the widest one's message.
const WIDTH = { service: 0, surface: 1, partner: 2 } as const;

/**
 * Restrictions first (an operator's message says more than "outside hours"), then the calendar.
 * A restriction's reopening is when the last applying one ends, or later if the calendar is
 * closed then; unknown while any of them has no end.
 */
export const answer = (
  surface: Surface,
  partnerId: string | undefined,
  now: number,
  deps: { calendar: ServiceCalendar; restrictions: readonly Restriction[] },
): AvailabilityAnswer => {
  const applying = deps.restrictions.filter((r) => inForce(r, now) && restricts(r, surface, partnerId));
  if (applying.length > 0) {
    const shown = [...applying].sort((a, b) => WIDTH[a.scope.kind] - WIDTH[b.scope.kind] || b.setAt - a.setAt)[0];
    const ends = applying.every((r) => r.until !== undefined) ? Math.max(...applying.map((r) => r.until!)) : undefined;
    return closed(now, {
      cause: 'restriction',
      reason: shown.scope.kind,
      message: { ...shown.message },
      opensAt: ends === undefined ? undefined : reopening(deps.calendar, surface, ends),
    });
  }
  const status = deps.calendar.status(surface, now);
  if (!status.open) return closed(now, { cause: 'calendar', reason: status.reason, opensAt: status.nextChange });
  return status.nextChange === undefined ? { open: true } : { open: true, closesAt: status.nextChange };
};

const reopening = (calendar: ServiceCalendar, surface: Surface, at: number): number | undefined => {
  const status = calendar.status(surface, at);
  return status.open ? at : status.nextChange;
};

const closed = (
  now: number,
  parts: { cause: 'calendar' | 'restriction'; reason?: string; message?: { ja: string; en: string }; opensAt?: number },
): AvailabilityAnswer => ({
  open: false,
  cause: parts.cause,
  ...(parts.reason === undefined ? {} : { reason: parts.reason }),
  ...(parts.message === undefined ? {} : { message: parts.message }),
  ...(parts.opensAt === undefined
    ? {}
    : { opensAt: parts.opensAt, retryAfterSeconds: Math.max(1, Math.ceil((parts.opensAt - now) / 1000)) }),
});
