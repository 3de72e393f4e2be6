import type { Middleware, ParameterizedContext } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { IdentityCheck } from '../../identity-check/identity-check.ts';
import type { LoginForm, OtpForm } from '../login-forms.ts';
import type { PostedFormState } from '../parse-form.ts';
import type { IdentityPort } from './identity-port.ts';

/**
 * The identity check's steps (src/identity-check), written once for every surface that runs it,
 * over that surface's port: closed page, per-IP throttle, PIN, one-time code, and the one answer
 * to every failure.
 */
export const identitySteps = <S>(
  deps: { identityCheck: IdentityCheck; ipWindowSeconds: number },
  port: IdentityPort<S>,
) => {
  const { identityCheck } = deps;

  /**
   * The one answer to every failed identity check: the customer goes back to the first step, and
   * the page, status and wording are the same whatever failed.
   */
  const showIdentityFailure = async (ctx: ParameterizedContext<S>) => {
    await port.restart(ctx);
    await identityCheck.waitForFloor(port.startedAt(ctx));
    return port.renderLogin(ctx, { status: 400, errorKey: 'login.error' });
  };

  /** A failure found before the core system was asked (a malformed form, a step out of order). */
  const failIdentityCheck = async (ctx: ParameterizedContext<S>, ref: LoginAccountRef | undefined, reason: string) => {
    await identityCheck.fail(ref, reason, port.asker(ctx));
    return showIdentityFailure(ctx);
  };

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

  /** The per-IP limit on identity-check attempts, shared by every surface. */
  const checkIpThrottle: Middleware<S> = async (ctx, next) => {
    if (await identityCheck.withinIpLimit(ctx.ip, port.asker(ctx))) return next();
    ctx.set('Retry-After', String(deps.ipWindowSeconds));
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
    const result = await identityCheck.checkPin(ref, form.pin, port.asker(ctx));
    if (!result.ok) return showIdentityFailure(ctx);
    await port.pinVerified(ctx, ref, result.customerId);
    await identityCheck.waitForFloor(port.startedAt(ctx));
    ctx.status = 303;
    ctx.redirect(port.stepUrl(ctx));
  };

  /** Step 2: the one-time code; then the identity check is complete. */
  const verifyOtp: Middleware<S & PostedFormState<OtpForm>> = async (ctx, next) => {
    const { atOtp, loginRef, customerId } = port.pinStep(ctx);
    if (!atOtp || !loginRef || !customerId) return failIdentityCheck(ctx, loginRef, 'otp_out_of_order');
    const result = await identityCheck.checkOtp(loginRef, customerId, ctx.state.form.otp, port.asker(ctx));
    if (!result.ok) return showIdentityFailure(ctx);
    return port.otpVerified(ctx, customerId, next);
  };

  return { checkServiceOpen, checkIpThrottle, verifyPin, verifyOtp, failIdentityCheck, showIdentityFailure };
};
