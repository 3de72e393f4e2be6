import type { AuditLog } from '../audit/audit-log.ts';
import type { Settings } from '../config/schema.ts';
import type { CoreBanking, LoginAccountRef } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

/** Where an identity check happens, for the audit trail. */
export interface CheckContext {
  surface: 'authorization' | 'my_page';
  partnerId?: string;
  /** The client's address (audited, so that an attack can be searched by source). */
  ip?: string;
}

export type PinResult = { ok: true; customerId: string } | { ok: false };
export type OtpResult = { ok: true } | { ok: false };

/**
 * 本人確認 (terms 4.1): branch, account and cash-card PIN checked by the core system, then a
 * one-time code from the customer's registered authenticator (RFC 6238). Shared by API連携認証
 * and the customer's own page. Every failure — unknown account, wrong PIN, wrong or replayed
 * code, locked account — counts toward the same lock (kept by the core system), waits a little
 * longer each time, and looks the same to the caller.
 */
export const createIdentityCheck = (deps: {
  coreBanking: CoreBanking;
  store: Store;
  clock: Clock;
  audit: AuditLog;
  settings: Settings['identityCheck'];
  sleep: (ms: number) => Promise<void>;
}) => {
  const { settings } = deps;
  const stepTtl = 30 * (2 * settings.totpWindowSteps + 2);

  const fail = async (
    ref: LoginAccountRef | undefined,
    reason: string,
    context: CheckContext,
    step: 'pin' | 'otp',
    customerId?: string,
  ): Promise<{ ok: false }> => {
    let failures = 0;
    if (ref) {
      const after = await deps.coreBanking.recordLoginFailure(ref, settings.lockAfterFailures);
      failures = after.consecutiveFailures;
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
    return { ok: false };
  };

  return {
    /** Per-IP limit on attempts, across instances (the counter lives in the store). */
    async withinIpLimit(ip: string, context: CheckContext): Promise<boolean> {
      const count = await deps.store.incr(`throttle:identity-check:${ip}`, settings.ipLimit.windowSeconds);
      if (count <= settings.ipLimit.maxAttempts) return true;
      await deps.audit.record({
        kind: 'identity_check.throttled',
        result: 'denied',
        partnerId: context.partnerId,
        details: { surface: context.surface, ip },
      });
      return false;
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
      if (outcome.result !== 'verified' || locked)
        return fail(ref, locked ? 'locked' : 'pin', context, 'pin', customerId);
      return { ok: true, customerId: outcome.customerId };
    },

    /** Step 2. A code is accepted once: its time step is marked used in the store, across instances. */
    async checkOtp(ref: LoginAccountRef, customerId: string, otp: string, context: CheckContext): Promise<OtpResult> {
      const failures = await deps.coreBanking.loginFailures(ref);
      const counter = await deps.coreBanking.verifyOneTimeCode(customerId, otp, settings.totpWindowSteps);
      if (failures.locked || counter === undefined)
        return fail(ref, failures.locked ? 'locked' : 'otp', context, 'otp', customerId);
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
    fail: (ref: LoginAccountRef | undefined, reason: string, context: CheckContext) =>
      fail(ref, reason, context, 'pin'),

    /** Every answer to an identity-check post takes at least the configured time. */
    async waitForFloor(startedAt: number) {
      const left = settings.responseFloorMs - (Date.now() - startedAt);
      if (left > 0) await deps.sleep(left);
    },
  };
};

export type IdentityCheck = ReturnType<typeof createIdentityCheck>;
