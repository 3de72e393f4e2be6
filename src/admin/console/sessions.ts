import { randomBytes } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';

/**
 * A console session, kept in the store under a random id (the cookie holds only the id).
 * `login`: nobody yet (the login form's CSRF token lives here); `totp`: the password matched,
 * the one-time code is due; `active`: a staff member is logged in.
 */
export interface AdminSession {
  stage: 'login' | 'totp' | 'active';
  csrf: string;
  username?: string;
  createdAt: number;
  lastSeenAt: number;
  /** Wrong one-time codes at the `totp` stage; too many sends the browser back to the password. */
  totpFailures?: number;
}

// A half-done login is short-lived whatever the idle setting.
const LOGIN_STAGE_SECONDS = 600;

const key = (id: string) => `admin-session:${id}`;
const newId = () => randomBytes(32).toString('base64url');

export const createAdminSessions = (deps: { store: Store; clock: Clock; idleSeconds: number; maxSeconds: number }) => {
  const ttlOf = (session: AdminSession) => (session.stage === 'active' ? deps.idleSeconds : Math.min(LOGIN_STAGE_SECONDS, deps.idleSeconds));
  const write = (id: string, session: AdminSession) => deps.store.set(key(id), JSON.stringify(session), ttlOf(session));

  return {
    /** A new session under a new id: at every change of stage, so an id seen before login is worthless after. */
    async create(fields: Pick<AdminSession, 'stage' | 'username'>): Promise<{ id: string; session: AdminSession }> {
      const now = deps.clock.now();
      const session: AdminSession = { ...fields, csrf: randomBytes(24).toString('base64url'), createdAt: now, lastSeenAt: now };
      const id = newId();
      await write(id, session);
      return { id, session };
    },

    /** The session, unless it is missing, idle too long or past its maximum age (then it is removed). */
    async load(id: string | undefined): Promise<AdminSession | undefined> {
      if (!id || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined;
      const raw = await deps.store.get(key(id));
      if (raw === undefined) return undefined;
      const session = JSON.parse(raw) as AdminSession;
      const now = deps.clock.now();
      // The store's TTL ends idle sessions too; this check also holds when the clock is not the store's.
      if (now - session.lastSeenAt >= ttlOf(session) * 1000 || now - session.createdAt >= deps.maxSeconds * 1000) {
        await deps.store.del([key(id)]);
        return undefined;
      }
      return session;
    },

    /** Saves the session as seen now: the idle timeout starts again. */
    async touch(id: string, session: AdminSession): Promise<AdminSession> {
      const touched = { ...session, lastSeenAt: deps.clock.now() };
      await write(id, touched);
      return touched;
    },

    async destroy(id: string): Promise<void> {
      await deps.store.del([key(id)]);
    },
  };
};

export type AdminSessions = ReturnType<typeof createAdminSessions>;
