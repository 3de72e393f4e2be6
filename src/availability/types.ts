import type { OneOffWindow, Surface } from '../calendar/index.ts';
import type { RestrictionInputBody } from './restriction-schema.ts';

/**
 * What an operator asks for (terms 7.3): the shape `restrictionInputSchema` describes. A given `id`
 * replaces that restriction; `until` (ms epoch) ends it by itself, without it the restriction
 * lasts until lifted; `reason` is for the record, `message` for customers and partners.
 */
export type RestrictionInput = RestrictionInputBody;
export type RestrictionScope = RestrictionInput['scope'];
/** A text shown to customers and returned to partners, in both languages of the service. */
export type LocalizedMessage = RestrictionInput['message'];

export interface Restriction extends RestrictionInput {
  id: string;
  /** ms epoch */
  setAt: number;
}

/**
 * The one answer to "is this surface open now for this partner, and until when?".
 * Closed: `cause` says whether the calendar or an operator's restriction closed it; `reason` is the
 * calendar's ClosedReason, or for a restriction the kind of its scope (service, surface,
 * partner); `message` is the operator's; `opensAt` (ms epoch) and `retryAfterSeconds` are there
 * when the reopening is known.
 */
export type AvailabilityAnswer =
  | { open: true; closesAt?: number }
  | {
      open: false;
      cause: 'calendar' | 'restriction';
      reason?: string;
      message?: LocalizedMessage;
      opensAt?: number;
      retryAfterSeconds?: number;
    };

export interface Restrictions {
  /** Throws AvailabilityInputError for a body that fails `restrictionInputSchema` or ends in the past. */
  set(r: RestrictionInput): Promise<Restriction>;
  /** False when there was no such restriction. */
  lift(id: string, liftedBy: string): Promise<boolean>;
  /** The restrictions in force now (read from the store), oldest first. */
  list(): Promise<Restriction[]>;
}

export interface OneOffWindows {
  /** Throws CalendarConfigError for an invalid window or an id already in use. */
  add(window: OneOffWindow): Promise<OneOffWindow>;
  /** False when there was no such stored window (windows of the calendar file cannot be removed). */
  remove(id: string): Promise<boolean>;
  /** Every one-off window: the calendar file's and the stored ones (read from the store). */
  list(): Promise<OneOffWindow[]>;
}

export interface Availability {
  /** Synchronous, from this process's cache: never a store round trip. */
  check(surface: Surface, partnerId?: string): AvailabilityAnswer;
  /** Restrictions in force now, from the cache (the public status shows those that are not per partner). */
  activeRestrictions(): Restriction[];
  restrictions: Restrictions;
  oneOffWindows: OneOffWindows;
  /** Re-reads the store now (also done on every change event and, once started, every `refreshMs`). */
  refresh(): Promise<void>;
  /** Starts the periodic re-read (the composition root's start): creating it starts no timer. */
  start(): void;
  close(): Promise<void>;
}
