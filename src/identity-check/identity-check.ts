import type { AuditLog } from '../audit/audit-log.ts';
import type { Settings } from '../config/schema.ts';
import type { CoreBanking, LoginAccountRef } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { addressGroup } from './address-group.ts';
import { createFailureWindow } from './failure-window.ts';

/** Where an identity check happens, for the audit trail. */
export interface CheckContext {
  surface: 'authorization' | 'my_page';
  partnerId?: string;
  /** The client's address (audited, so that an attack can be searched by source). */
  ip?: string;
}

/** A failure says only whether the account is locked now (then the customer is told to call the branch). */
export type Failure = { ok: false; locked: boolean };
export type PinResult = { ok: true; customerId: string } | Failure;
export type OtpResult = { ok: true } | Failure;

/** Why an identity-check post was refused before it was looked at, and when to try again. */
export interface Throttled {
  limit: 'address' | 'global';
  retryAfterSeconds: number;
}

/**
 * 本人確認 (terms 4.1): branch, account and cash-card PIN checked by the core system, then a
 * one-time code from the customer's registered authenticator (RFC 6238). Shared by API連携認証
 * and the customer's own page. Every failure — unknown account, wrong PIN, wrong or replayed
 * code, locked account — counts toward the same lock (kept by the core system, per login account,
 * across interactions and surfaces), waits a little longer each time, and tells the caller only
 * whether the account is locked now. That answer depends on the counter alone, which counts an
 * account reference nobody holds exactly like a real one, so it does not tell which exist
 * (docs/security.md, "The locked notice"). Failures are also counted per client address and for
 * all clients together: the throttle (`throttled`) reads those counts before a post is looked at.
 */
export const createIdentityCheck = (deps: {
  coreBanking: CoreBanking;
  store: Store;
  clock: Clock;
  audit: AuditLog;
  settings: Settings['identityCheck'];
  sleep: (ms: number) => Promise<void>;
  /** Failures of all clients in the last window, seen at each PIN post, and the limit (a gauge). */
  observeGlobalFailures?: (failures: number, limit: number) => void;
}) => {
  const { settings } = deps;
  const stepTtl = 30 * (2 * settings.totpWindowSteps + 2);
  const byAddress = createFailureWindow(deps, 'address', settings.ipLimit.windowSeconds);
  const allClients = createFailureWindow(deps, 'global', settings.globalLimit.windowSeconds);
  const groupOf = (ip: string) => addressGroup(ip, settings.ipLimit.ipv6PrefixLength);

  const fail = async (
    ref: LoginAccountRef | undefined,
    reason: string,
    context: CheckContext,
    step: 'pin' | 'otp',
    customerId?: string,
  ): Promise<Failure> => {
    let failures = 0;
    let locked = false;
    await Promise.all([
      context.ip === undefined ? undefined : byAddress.record(groupOf(context.ip)),
      allClients.record('all'),
    ]);
    if (ref) {
      const after = await deps.coreBanking.recordLoginFailure(ref, settings.lockAfterFailures);
      failures = after.consecutiveFailures;
      locked = after.locked;
      if (after.locked && after.consecutiveFailures === settings.lockAfterFailures) {
        await deps.audit.record({
          kind: 'identity_check.locked',
          result: 'denied',
          partnerId: context.partnerId,
          customerId,
          details: { surface: context.surface, branch: ref.branchCode, accountType: ref.accountType, ip: context.ip },
        });
      }
    }
    await deps.audit.record({
      kind: 'identity_check.failure',
      result: 'failure',
      partnerId: context.partnerId,
      customerId,
      details: { surface: context.surface, reason, step, consecutiveFailures: failures, ip: context.ip },
    });
    const delays = settings.failureDelaysMs;
    await deps.sleep(delays[Math.min(Math.max(failures, 1), delays.length) - 1]);
    return { ok: false, locked };
  };

  return {
    /**
     * The limits read before a post is looked at (the counts live in the store, across instances):
     * failures from the client's address (an IPv6 address by its prefix), and — on the PIN step
     * only, so that a customer already at the code step can finish — failures of all clients
     * together. Neither depends on the account typed, so a refusal tells nothing about it.
     */
    async throttled(ip: string, step: 'pin' | 'otp', context: CheckContext): Promise<Throttled | undefined> {
      const refuse = async (limit: Throttled['limit'], retryAfterSeconds: number): Promise<Throttled> => {
        await deps.audit.record({
          kind: 'identity_check.throttled',
          result: 'denied',
          partnerId: context.partnerId,
          details: { surface: context.surface, ip, limit },
        });
        return { limit, retryAfterSeconds };
      };
      const [fromAddress, fromAll] = await Promise.all([
        byAddress.count(groupOf(ip)),
        step === 'pin' ? allClients.count('all') : 0,
      ]);
      deps.observeGlobalFailures?.(fromAll, settings.globalLimit.maxFailures);
      if (fromAddress >= settings.ipLimit.maxFailures) return refuse('address', byAddress.retryAfterSeconds());
      if (fromAll >= settings.globalLimit.maxFailures) return refuse('global', allClients.retryAfterSeconds());
      return undefined;
    },

    /**
     * Step 1. The PIN is verified even for a locked account, so a lock cannot be told by timing.
     * A host that cannot answer rejects (503) before anything is counted: an outage is no attempt.
     */
    async checkPin(ref: LoginAccountRef, pin: string, context: CheckContext): Promise<PinResult> {
      const before = await deps.coreBanking.loginFailures(ref);
      const outcome = await deps.coreBanking.checkIdentity(ref, pin);
      const customerId = outcome.result === 'unknown' ? undefined : outcome.customerId;
      const locked = before.locked || outcome.result === 'locked';
      if (outcome.result !== 'verified' || locked) {
        const failed = await fail(ref, locked ? 'locked' : 'pin', context, 'pin', customerId);
        return { ok: false, locked: locked || failed.locked };
      }
      return { ok: true, customerId: outcome.customerId };
    },

    /** Step 2. A code is accepted once: its time step is marked used in the store, across instances. */
    async checkOtp(ref: LoginAccountRef, customerId: string, otp: string, context: CheckContext): Promise<OtpResult> {
      const failures = await deps.coreBanking.loginFailures(ref);
      const counter = await deps.coreBanking.verifyOneTimeCode(customerId, otp, settings.totpWindowSteps);
      if (failures.locked || counter === undefined) {
        const failed = await fail(ref, failures.locked ? 'locked' : 'otp', context, 'otp', customerId);
        return { ok: false, locked: failures.locked || failed.locked };
      }
      // Refuse a code whose time step, or an earlier one, was already used for this customer.
      const lastKey = `otp-last-step:${customerId}`;
      const last = Number((await deps.store.get(lastKey)) ?? -1);
      const fresh = counter > last && (await deps.store.setIfAbsent(`otp-used:${customerId}:${counter}`, '1', stepTtl));
      if (!fresh) return fail(ref, 'otp_replayed', context, 'otp', customerId);
      await deps.store.set(lastKey, String(counter), stepTtl);
      await deps.coreBanking.resetLoginFailures(ref);
      await deps.audit.record({
        kind: 'identity_check.success',
        result: 'success',
        partnerId: context.partnerId,
        customerId,
        details: { surface: context.surface },
      });
      return { ok: true };
    },

    /** A failure that never reached the core system (a malformed form, a step out of order). */
    fail: (ref: LoginAccountRef | undefined, reason: string, context: CheckContext, step: 'pin' | 'otp' = 'pin') =>
      fail(ref, reason, context, step),

    /** Every answer to an identity-check post takes at least the configured time. */
    async waitForFloor(startedAt: number) {
      const left = settings.responseFloorMs - (Date.now() - startedAt);
      if (left > 0) await deps.sleep(left);
    },
  };
};

export type IdentityCheck = ReturnType<typeof createIdentityCheck>;
