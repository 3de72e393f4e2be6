import { randomBytes } from 'node:crypto';
import type { LoginAccountRef } from '../core-banking/port.ts';
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
  ineligibleReason?: string;
}

const key = (uid: string) => `interaction-state:${uid}`;

export const createInteractionStates = (deps: { store: Store; ttlSeconds: number }) => ({
  /**
   * The interaction's state. The first page view creates it (with its CSRF token); a post that finds
   * none gets a fresh one that is not kept: its CSRF token matches nothing, so the post is refused
   * and a refusal changes nothing in the store.
   */
  async load(uid: string, { create }: { create: boolean }): Promise<InteractionState> {
    const raw = await deps.store.get(key(uid));
    if (raw) return JSON.parse(raw) as InteractionState;
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
