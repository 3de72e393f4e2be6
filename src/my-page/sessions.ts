import { isLoginAccountRef, type LoginAccountRef } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import { isOptional, isRecord } from '../shared/unknown-json.ts';
import type { Store } from '../store/store.ts';
import { createServerSessions } from '../http/server-sessions.ts';

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
  /** Wrong one-time codes at the code step of this sign-in (back to the start after identityCheck.otpAttempts). */
  otpFailures?: number;
  createdAt: number;
  lastSeenAt: number;
  /** A linkage just ended (its partner's client id): said once on the next list page. */
  endedPartnerId?: string;
}

const STAGES: ReadonlySet<unknown> = new Set(['login', 'otp', 'active']);

const isCustomerSession = (value: unknown): value is CustomerSession =>
  isRecord(value) &&
  STAGES.has(value.stage) &&
  typeof value.csrf === 'string' &&
  (value.loginRef === undefined || isLoginAccountRef(value.loginRef)) &&
  isOptional(value.customerId, 'string') &&
  isOptional(value.otpFailures, 'number') &&
  typeof value.createdAt === 'number' &&
  typeof value.lastSeenAt === 'number' &&
  isOptional(value.endedPartnerId, 'string');

export const createCustomerSessions = (deps: { store: Store; clock: Clock; idleSeconds: number; maxSeconds: number }) =>
  createServerSessions<CustomerSession>({
    store: deps.store,
    clock: deps.clock,
    prefix: 'my-session',
    maxSeconds: deps.maxSeconds,
    idleSecondsOf: () => deps.idleSeconds,
    isSession: isCustomerSession,
  });

export type CustomerSessions = ReturnType<typeof createCustomerSessions>;
