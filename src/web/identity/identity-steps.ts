import type { Middleware, ParameterizedContext } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { IdentityCheck } from '../../identity-check/identity-check.ts';
import { isBusy } from '../../shared/admission.ts';
import type { LoginForm, OtpForm } from '../login-forms.ts';
import type { PostedFormState } from '../parse-form.ts';
import type { IdentityPort } from './identity-port.ts';

/**
 * The identity check's steps (src/identity-check), written once for every surface that runs it,
 * over that surface's port: closed page, throttle, PIN, one-time code, and the answers to a
 * failure.
 */
export const identitySteps = <S>(
  deps: { identityCheck: IdentityCheck; otpAttempts: number },
  port: IdentityPort<S>,
) => {
  const { identityCheck } = deps;

  /**
   * The answer to a failed identity check that sends the customer back to the first step. The
   * page, status and wording are the same whatever failed — unknown account, wrong PIN, too many
   * wrong codes — except for an account that is locked now: every attempt on it, with the right
   * PIN or a wrong one, gets the locked notice (stop, and call the branch).
   */
  const showIdentityFailure = async (ctx: ParameterizedContext<S>, failure: { locked: boolean }) => {
    await port.restart(ctx);
    await identityCheck.waitForFloor(port.startedAt(ctx));
    return failure.locked
      ? port.renderLogin(ctx, { status: 403, errorKey: 'login.locked' })
      : port.renderLogin(ctx, { status: 400, errorKey: 'login.error' });
  };

  /** A failure found before the core system was asked (a malformed form, a step out of order). */
  const failIdentityCheck = async (ctx: ParameterizedContext<S>, ref: LoginAccountRef | undefined, reason: string) =>
    showIdentityFailure(ctx, await identityCheck.fail(ref, reason, port.asker(ctx)));

  /**
   * Terms 2.1, 4.1, 7.3: only while the surface is open. Outside hours or under a restriction the
   * customer sees why and when it opens again, and nothing of the step runs.
   */
  const checkServiceOpen: Middleware<S> = async (ctx, next) => {
    const closed = port.closed(ctx);
    if (!closed) return next();
    if (closed.retryAfterSeconds !== undefined) ctx.set('Retry-After', String(closed.retryAfterSeconds));
    return port.renderClosed(ctx, closed);
  };

  /** The per-address and global limits on failures (src/identity-check), shared by every surface. */
  const checkThrottle =
    (step: 'pin' | 'otp'): Middleware<S> =>
    async (ctx, next) => {
      const throttled = await identityCheck.throttled(ctx.ip, step, port.asker(ctx));
      if (!throttled) return next();
      ctx.set('Retry-After', String(throttled.retryAfterSeconds));
      return port.renderLogin(ctx, { status: 429, errorKey: 'login.throttled' });
    };

  /** Step 1: branch, account and cash-card PIN. */
  const verifyPin: Middleware<S & PostedFormState<LoginForm>> = async (ctx) => {
    const { form } = ctx.state;
    const ref: LoginAccountRef = {
      branchCode: form.branch,
      accountType: form.accountType,
      accountNumber: form.accountNumber,
    };
    let result;
    try {
      result = await identityCheck.checkPin(ref, form.pin, port.asker(ctx));
    } catch (error) {
      // Refused before the PIN was looked at: nothing counted, the customer stays where they were.
      if (isBusy(error)) return port.renderBusy(ctx, error);
      throw error;
    }
    if (!result.ok) return showIdentityFailure(ctx, result);
    await port.pinVerified(ctx, ref, result.customerId);
    await identityCheck.waitForFloor(port.startedAt(ctx));
    ctx.status = 303;
    ctx.redirect(port.stepUrl(ctx));
  };

  /**
   * A refused one-time code keeps the customer on the code step, up to `otpAttempts` refusals per
   * flow (each also counts toward the account's lock, across flows); after the last, or once the
   * account is locked, the flow goes back to the start.
   */
  const refuseOtp = async (ctx: ParameterizedContext<S>, failure: { locked: boolean }) => {
    if (failure.locked) return showIdentityFailure(ctx, failure);
    const wrong = await port.otpFailed(ctx);
    if (wrong >= deps.otpAttempts) return showIdentityFailure(ctx, failure);
    await identityCheck.waitForFloor(port.startedAt(ctx));
    return port.renderOtp(ctx, { status: 400, errorKey: 'otp.error', attemptsLeft: deps.otpAttempts - wrong });
  };

  /** Step 2: the one-time code; then the identity check is complete. */
  const verifyOtp: Middleware<S & PostedFormState<OtpForm>> = async (ctx, next) => {
    const { atOtp, loginRef, customerId } = port.pinStep(ctx);
    if (!atOtp || !loginRef || !customerId) return failIdentityCheck(ctx, loginRef, 'otp_out_of_order');
    const result = await identityCheck.checkOtp(loginRef, customerId, ctx.state.form.otp, port.asker(ctx));
    if (result.ok) return port.otpVerified(ctx, customerId, next);
    return refuseOtp(ctx, result);
  };

  /** A code that is not six digits: a wrong code like any other (a step out of order starts over). */
  const refuseMalformedOtp = async (ctx: ParameterizedContext<S>) => {
    const { atOtp, loginRef, customerId } = port.pinStep(ctx);
    const failure = await identityCheck.fail(loginRef, 'otp_malformed', port.asker(ctx), 'otp');
    return atOtp && loginRef && customerId ? refuseOtp(ctx, failure) : showIdentityFailure(ctx, failure);
  };

  return { checkServiceOpen, checkThrottle, verifyPin, verifyOtp, refuseMalformedOtp, failIdentityCheck };
};
