import type { Clock } from '../../shared/clock.ts';
import { isRecord } from '../../shared/unknown-json.ts';
import type { Store } from '../../store/store.ts';
import { createServerSessions } from '../../http/server-sessions.ts';

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

const STAGES: ReadonlySet<unknown> = new Set(['login', 'totp', 'active']);

const isAdminSession = (value: unknown): value is AdminSession =>
  isRecord(value) &&
  STAGES.has(value.stage) &&
  typeof value.csrf === 'string' &&
  (value.username === undefined || typeof value.username === 'string') &&
  typeof value.createdAt === 'number' &&
  typeof value.lastSeenAt === 'number' &&
  (value.totpFailures === undefined || typeof value.totpFailures === 'number');

// A half-done login is short-lived whatever the idle setting.
const LOGIN_STAGE_SECONDS = 600;

export const createAdminSessions = (deps: { store: Store; clock: Clock; idleSeconds: number; maxSeconds: number }) =>
  createServerSessions<AdminSession>({
    store: deps.store,
    clock: deps.clock,
    prefix: 'admin-session',
    maxSeconds: deps.maxSeconds,
    idleSecondsOf: (session) =>
      session.stage === 'active' ? deps.idleSeconds : Math.min(LOGIN_STAGE_SECONDS, deps.idleSeconds),
    isSession: isAdminSession,
  });

export type AdminSessions = ReturnType<typeof createAdminSessions>;
