import { randomBytes } from 'node:crypto';
import {
  CalendarConfigError,
  parseOneOffWindow,
  type OneOffWindow,
  type ServiceCalendar,
  type Surface,
} from '../calendar/index.ts';
import type { Clock } from '../shared/clock.ts';
import { createAjv } from '../shared/json-schema.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/store.ts';
import { answer, inForce } from './answer.ts';
import { restrictionInputSchema } from './restriction-schema.ts';
import { createStoredCollection } from './stored-collection.ts';
import type { Availability, Restriction, RestrictionInput } from './types.ts';
import { messageOf } from '../shared/thrown.ts';
import { fieldOf, isRecord } from '../shared/unknown-json.ts';

export const AVAILABILITY_CHANGED_CHANNEL = 'availability:changed';
const DEFAULT_REFRESH_MS = 1000;
const DAY_SECONDS = 86400;

/** A restriction or one-off window that cannot be accepted; the message names the field. */
export class AvailabilityInputError extends Error {
  override name = 'AvailabilityInputError';
}

const newId = () => `r-${randomBytes(9).toString('base64url')}`;
/** The same windows, whatever their order and key order. */
const sameWindows = (a: OneOffWindow[], b: OneOffWindow[]) => {
  const canonical = (ws: OneOffWindow[]) =>
    JSON.stringify(ws.map((w) => [w.id, w.surfaces, w.from, w.to, w.reason]).sort());
  return canonical(a) === canonical(b);
};

/**
 * Operators' restrictions and one-off windows live in the store; every instance keeps them in
 * memory, so that `check` answers without a store round trip. A change is applied at once on the
 * instance that made it and announced on a channel; every instance also re-reads the store every
 * `refreshMs`, in case an announcement was lost — so a change reaches every instance within that
 * bound (one second by default).
 */
export const createAvailability = async (deps: {
  store: Store;
  calendar: ServiceCalendar;
  clock: Clock;
  logger: Logger;
  refreshMs?: number;
}): Promise<Availability> => {
  const { store, calendar, clock, logger } = deps;
  const validate = createAjv().compile<RestrictionInput>(restrictionInputSchema);
  const storedRestrictions = createStoredCollection<Restriction>(store, 'availability:restriction');
  const storedWindows = createStoredCollection<OneOffWindow>(store, 'availability:one-off-window');
  // Windows of the calendar file are always there; the store adds operators' windows to them.
  const fileWindows = calendar.oneOffWindows();
  const fileWindowIds = new Set(fileWindows.map((w) => w.id));

  let restrictions: Restriction[] = [];
  /** Grows with each change made here, so that a read that started before it is not applied after it. */
  let localChanges = 0;

  const applyRestrictions = (next: Restriction[]) => {
    restrictions = [...next].sort((a, b) => a.setAt - b.setAt);
  };
  const applyWindows = (stored: OneOffWindow[]) => {
    const next = [...fileWindows, ...stored];
    // Reloading recomputes the calendar's cached days: only when something changed.
    if (!sameWindows(next, calendar.oneOffWindows())) calendar.loadOneOffWindows(next);
  };

  const readStored = async () => {
    const [storedR, storedW] = await Promise.all([storedRestrictions.readAll(), storedWindows.readAll()]);
    // What another writer left in the store is checked like an operator's input: a bad record is skipped, not trusted.
    const valid = storedR.flatMap((r): Restriction[] => {
      const { setAt, ...input } = isRecord(r) ? r : {};
      if (typeof setAt === 'number' && validate(input) && input.id !== undefined)
        return [{ ...input, id: input.id, setAt }];
      logger.warn('availability: a stored restriction is invalid and is ignored', { id: fieldOf(r, 'id') });
      return [];
    });
    const windows = storedW.flatMap((w) => {
      const id = fieldOf(w, 'id');
      try {
        return typeof id === 'string' && fileWindowIds.has(id) ? [] : [parseOneOffWindow(w)];
      } catch (e) {
        logger.warn('availability: a stored one-off window is invalid and is ignored', {
          id,
          error: messageOf(e),
        });
        return [];
      }
    });
    return { restrictions: valid, windows };
  };

  let inFlight: Promise<void> | undefined;
  let again = false;
  /** One read at a time; a request during a read gets one more read after it. */
  const reload = (): Promise<void> => {
    if (inFlight) {
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          again = false;
          const before = localChanges;
          const stored = await readStored();
          if (localChanges !== before) {
            again = true; // a change made here meanwhile may be missing from what was read
            continue;
          }
          applyRestrictions(stored.restrictions);
          applyWindows(stored.windows);
        } while (again);
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  let failing = false;
  const reloadInBackground = () => {
    reload().then(
      () => {
        if (failing) logger.info('availability: reading restrictions from the store works again');
        failing = false;
      },
      (e: unknown) => {
        // The last known state stays in force; say so once per outage, not once a second.
        if (!failing)
          logger.warn('availability: cannot read restrictions from the store; keeping the last known state', {
            error: messageOf(e),
          });
        failing = true;
      },
    );
  };

  /** Called right after a change made here is applied to the cache: tells the other instances. */
  const announce = async () => {
    localChanges += 1;
    try {
      await store.publish(AVAILABILITY_CHANGED_CHANNEL, 'changed');
    } catch (e) {
      // Stored already: the other instances read it at their next periodic refresh.
      logger.warn('availability: could not announce a change', { error: messageOf(e) });
    }
  };

  await reload();
  const unsubscribe = await store.subscribe(AVAILABILITY_CHANGED_CHANNEL, reloadInBackground);
  let timer: NodeJS.Timeout | undefined;

  const active = () => restrictions.filter((r) => inForce(r, clock.now())).map((r) => structuredClone(r));

  const check = (surface: Surface, partnerId?: string) =>
    answer(surface, partnerId, clock.now(), { calendar, restrictions });

  return {
    check,
    activeRestrictions: active,
    restrictions: {
      async set(input: RestrictionInput) {
        if (!validate(input)) {
          const error = validate.errors?.[0];
          throw new AvailabilityInputError(`restriction${error?.instancePath ?? ''} ${error?.message ?? 'is invalid'}`);
        }
        const now = clock.now();
        if (input.until !== undefined && input.until <= now)
          throw new AvailabilityInputError('restriction/until must be in the future');
        const restriction: Restriction = { ...structuredClone(input), id: input.id ?? newId(), setAt: now };
        // A restriction with an end leaves the store by itself a little after it.
        const ttl =
          restriction.until === undefined ? undefined : Math.ceil((restriction.until - now) / 1000) + DAY_SECONDS;
        await storedRestrictions.put(restriction.id, restriction, ttl);
        applyRestrictions([...restrictions.filter((r) => r.id !== restriction.id), restriction]);
        await announce();
        logger.info('availability: restriction set', {
          id: restriction.id,
          scope: restriction.scope,
          until: restriction.until,
          setBy: restriction.setBy,
          reason: restriction.reason,
        });
        return structuredClone(restriction);
      },
      async lift(id, liftedBy) {
        const lifted = await storedRestrictions.remove(id);
        applyRestrictions(restrictions.filter((r) => r.id !== id));
        if (!lifted) return false;
        await announce();
        logger.info('availability: restriction lifted', { id, liftedBy });
        return true;
      },
      async list() {
        await reload();
        return active();
      },
    },
    oneOffWindows: {
      async add(window) {
        const parsed = parseOneOffWindow(structuredClone(window));
        if (fileWindowIds.has(parsed.id))
          throw new CalendarConfigError(`window/id "${parsed.id}" is a window of the calendar file`);
        const ttl = Math.max(DAY_SECONDS, Math.ceil((Date.parse(parsed.to) - clock.now()) / 1000) + DAY_SECONDS);
        if (!(await storedWindows.create(parsed.id, parsed, ttl)))
          throw new CalendarConfigError(`window/id "${parsed.id}" already exists`);
        applyWindows([
          ...calendar.oneOffWindows().filter((w) => !fileWindowIds.has(w.id) && w.id !== parsed.id),
          parsed,
        ]);
        await announce();
        logger.info('availability: one-off window added', {
          id: parsed.id,
          surfaces: parsed.surfaces,
          from: parsed.from,
          to: parsed.to,
        });
        return structuredClone(parsed);
      },
      async remove(id) {
        if (fileWindowIds.has(id)) return false;
        const removed = await storedWindows.remove(id);
        applyWindows(calendar.oneOffWindows().filter((w) => !fileWindowIds.has(w.id) && w.id !== id));
        if (!removed) return false;
        await announce();
        logger.info('availability: one-off window removed', { id });
        return true;
      },
      async list() {
        await reload();
        return calendar.oneOffWindows();
      },
    },
    refresh: reload,
    start() {
      if (timer) return;
      timer = setInterval(reloadInBackground, deps.refreshMs ?? DEFAULT_REFRESH_MS);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await unsubscribe();
    },
  };
};
