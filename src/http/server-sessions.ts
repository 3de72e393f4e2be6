import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

/** What every server-side session has: its CSRF token and its age. */
export interface SessionBase {
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions kept in the store under a random id (the cookie holds only the id), with an idle
 * timeout and a maximum age. Used by the staff console and the customer's own page.
 */
export const createServerSessions = <S extends SessionBase>(deps: {
  store: Store;
  clock: Clock;
  /** Key prefix, e.g. "admin-session". */
  prefix: string;
  maxSeconds: number;
  /** The idle timeout of a session in its current state. */
  idleSecondsOf: (session: S) => number;
  /** Whether a value is a session of this kind: what is read back from the store is checked, not assumed. */
  isSession: (value: unknown) => value is S;
}) => {
  const key = (id: string) => `${deps.prefix}:${id}`;
  const write = (id: string, session: S) =>
    deps.store.set(key(id), JSON.stringify(session), deps.idleSecondsOf(session));

  return {
    /** A new session under a new id: at every change of stage, so an id seen before is worthless after. */
    async create(fields: Omit<S, keyof SessionBase>): Promise<{ id: string; session: S }> {
      const now = deps.clock.now();
      const session = { ...fields, csrf: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now };
      if (!deps.isSession(session)) throw new TypeError(`${deps.prefix}: the new session's fields are not a session`);
      const id = randomBytes(32).toString('base64url');
      await write(id, session);
      return { id, session };
    },

    /** The session, unless it is missing, idle too long or past its maximum age (then it is removed). */
    async load(id: string | undefined): Promise<S | undefined> {
      if (!id || !ID_PATTERN.test(id)) return undefined;
      const raw = await deps.store.get(key(id));
      if (raw === undefined) return undefined;
      const session: unknown = JSON.parse(raw);
      // Not a session of this kind (altered, or left by another version): as if absent.
      if (!deps.isSession(session)) return undefined;
      const now = deps.clock.now();
      // The store's TTL ends idle sessions too; this check also holds when the clock is not the store's.
      if (
        now - session.lastSeenAt >= deps.idleSecondsOf(session) * 1000 ||
        now - session.createdAt >= deps.maxSeconds * 1000
      ) {
        await deps.store.del([key(id)]);
        return undefined;
      }
      return session;
    },

    /** Saves the session as seen now: the idle timeout starts again. */
    async touch(id: string, session: S): Promise<S> {
      const touched = { ...session, lastSeenAt: deps.clock.now() };
      await write(id, touched);
      return touched;
    },

    async destroy(id: string): Promise<void> {
      await deps.store.del([key(id)]);
    },
  };
};
