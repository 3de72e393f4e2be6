import type { Next, ParameterizedContext } from 'koa';
import type { AvailabilityAnswer } from '../../availability/index.ts';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { MessageKey } from '../../i18n/index.ts';
import type { CheckContext } from '../../identity-check/identity-check.ts';
import type { BusyError } from '../../shared/admission.ts';

export type ClosedAnswer = Extract<AvailabilityAnswer, { open: false }>;

/**
 * What a surface running the identity check (API連携認証, the customer's page /my) tells the
 * shared steps: where its state lives, where success goes and which page renders. S is the
 * surface's request state.
 */
export interface IdentityPort<S> {
  /** The surface asking (and the partner, in API連携認証), for the audit trail and the throttle. */
  asker(ctx: ParameterizedContext<S>): CheckContext;
  /** When this request began: every answer of the check waits for the same floor. */
  startedAt(ctx: ParameterizedContext<S>): number;
  /** What the PIN step found, and whether the one-time code is the step now. */
  pinStep(ctx: ParameterizedContext<S>): { atOtp: boolean; loginRef?: LoginAccountRef; customerId?: string };
  /** Closed now (service calendar, an operator's restriction)? */
  closed(ctx: ParameterizedContext<S>): ClosedAnswer | undefined;
  /** Back to the first step, after any failure. */
  restart(ctx: ParameterizedContext<S>): Promise<void>;
  /** A wrong one-time code: counted in this flow's state; answers how many wrong codes it has had. */
  otpFailed(ctx: ParameterizedContext<S>): Promise<number>;
  /** The PIN matched: the one-time code is next. */
  pinVerified(ctx: ParameterizedContext<S>, ref: LoginAccountRef, customerId: string): Promise<void>;
  /** The code matched: the identity check is complete; the surface goes on as it does. */
  otpVerified(ctx: ParameterizedContext<S>, customerId: string, next: Next): Promise<unknown>;
  /** The page that shows the step the customer is at now (a GET). */
  stepUrl(ctx: ParameterizedContext<S>): string;
  renderLogin(ctx: ParameterizedContext<S>, options: { status: number; errorKey: MessageKey }): unknown;
  /** The code step again, after a wrong code, saying how many tries are left. */
  renderOtp(
    ctx: ParameterizedContext<S>,
    options: { status: number; errorKey: MessageKey; attemptsLeft: number },
  ): unknown;
  renderClosed(ctx: ParameterizedContext<S>, closed: ClosedAnswer): unknown;
  /** 「ただいま混み合っています」 (503) in the flow's language: the check was refused by its admission limit. */
  renderBusy(ctx: ParameterizedContext<S>, error: BusyError): unknown;
}
