import { randomBytes } from 'node:crypto';
import { isLoginAccountRef, type IneligibilityReason, type LoginAccountRef } from '../core-banking/port.ts';
import { isOptional, isRecord } from '../shared/unknown-json.ts';
import type { Store } from '../store/store.ts';

/**
 * Where one customer is in one authorization: kept in the store under the interaction's uid, for
 * no longer than the interaction itself. The CSRF token lives here too: every form carries it.
 */
export type InteractionStep = 'login' | 'otp' | 'consent' | 'ineligible';

export interface InteractionState {
  step: InteractionStep;
  csrf: string;
  loginRef?: LoginAccountRef;
  customerId?: string;
  /** Wrong one-time codes at the code step of this round (back to the start after identityCheck.otpAttempts). */
  otpFailures?: number;
  identifiedAt?: number;
  ineligibleReason?: IneligibilityReason;
}

const STEPS: readonly unknown[] = ['login', 'otp', 'consent', 'ineligible'] satisfies InteractionStep[];
const INELIGIBILITY_REASONS: readonly unknown[] = [
  'customer_restricted',
  'no_eligible_account',
] satisfies IneligibilityReason[];

/** A state as this module wrote it, member by member. */
const isInteractionState = (value: unknown): value is InteractionState =>
  isRecord(value) &&
  STEPS.includes(value.step) &&
  typeof value.csrf === 'string' &&
  (value.loginRef === undefined || isLoginAccountRef(value.loginRef)) &&
  isOptional(value.customerId, 'string') &&
  isOptional(value.otpFailures, 'number') &&
  isOptional(value.identifiedAt, 'number') &&
  (value.ineligibleReason === undefined || INELIGIBILITY_REASONS.includes(value.ineligibleReason));

const key = (uid: string) => `interaction-state:${uid}`;

export const createInteractionStates = (deps: { store: Store; ttlSeconds: number }) => ({
  /**
   * The interaction's state. The first page view creates it (with its CSRF token); a post that finds
   * none gets a fresh one that is not kept: its CSRF token matches nothing, so the post is refused
   * and a refusal changes nothing in the store. A stored state that is not one counts as none.
   */
  async load(uid: string, { create }: { create: boolean }): Promise<InteractionState> {
    const raw = await deps.store.get(key(uid));
    const stored: unknown = raw ? JSON.parse(raw) : undefined;
    if (isInteractionState(stored)) return stored;
    const fresh: InteractionState = { step: 'login', csrf: randomBytes(24).toString('base64url') };
    if (create) await deps.store.set(key(uid), JSON.stringify(fresh), deps.ttlSeconds);
    return fresh;
  },
  async save(uid: string, state: InteractionState): Promise<void> {
    await deps.store.set(key(uid), JSON.stringify(state), deps.ttlSeconds);
  },
  async clear(uid: string): Promise<void> {
    await deps.store.del([key(uid)]);
  },
});

export type InteractionStates = ReturnType<typeof createInteractionStates>;
