import { randomBytes } from 'node:crypto';
import type { LoginAccountRef } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

/**
 * A customer's session on /my, kept in the store under a random id (the cookie holds only the
 * id). `login`: nobody yet (the form's CSRF token lives here); `otp`: the PIN matched, the
 * one-time code is due; `active`: the identity check is complete.
 */
export interface CustomerSession {
  stage: 'login' | 'otp' | 'active';
  csrf: string;
  loginRef?: LoginAccountRef;
  customerId?: string;
  createdAt: number;
  lastSeenAt: number;
  /** A linkage just ended (its partner's client id): said once on the next list page. */
  endedPartnerId?: string;
}

const key = (id: string) => `my-session:${id}`;
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const createCustomerSessions = (deps: { store: Store; clock: Clock; idleSeconds: number; maxSeconds: number }) => {
  const write = (id: string, session: CustomerSession) => deps.store.set(key(id), JSON.stringify(session), deps.idleSeconds);

  return {
    /** A new session under a new id: at every change of stage, so an id seen before is worthless after. */
    async create(fields: Pick<CustomerSession, 'stage' | 'loginRef' | 'customerId'>): Promise<{ id: string; session: CustomerSession }> {
      const now = deps.clock.now();
      const session: CustomerSession = { ...fields, csrf: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now };
      const id = randomBytes(32).toString('base64url');
      await write(id, session);
      return { id, session };
    },

    /** The session, unless it is missing, idle too long or past its maximum age (then it is removed). */
    async load(id: string | undefined): Promise<CustomerSession | undefined> {
      if (!id || !ID_PATTERN.test(id)) return undefined;
      const raw = await deps.store.get(key(id));
      if (raw === undefined) return undefined;
      const session = JSON.parse(raw) as CustomerSession;
      const now = deps.clock.now();
      // The store's TTL ends idle sessions too; this also holds when the clock is not the store's.
      if (now - session.lastSeenAt >= deps.idleSeconds * 1000 || now - session.createdAt >= deps.maxSeconds * 1000) {
        await deps.store.del([key(id)]);
        return undefined;
      }
      return session;
    },

    /** Saves the session as seen now: the idle timeout starts again. */
    async save(id: string, session: CustomerSession): Promise<CustomerSession> {
      const saved = { ...session, lastSeenAt: deps.clock.now() };
      await write(id, saved);
      return saved;
    },

    async destroy(id: string): Promise<void> {
      await deps.store.del([key(id)]);
    },
  };
};

export type CustomerSessions = ReturnType<typeof createCustomerSessions>;
