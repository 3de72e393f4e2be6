import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';
import type { OtpForm } from '../forms.ts';
import type { SessionCookie } from '../session-cookie.ts';
import { failIdentityCheck, showIdentityFailure } from './identity-failure.ts';

/** Step 2: the one-time code (src/identity-check); then the customer is signed in to /my. */
export const verifyOtp =
  (deps: Pick<MyPageDeps, 'sessions' | 'identityCheck' | 'render'>, cookie: SessionCookie): Middleware =>
  async (ctx) => {
    const request = ctx.state.myPage as MyPageRequest;
    const { stage, loginRef, customerId } = request.session!;
    if (stage !== 'otp' || !loginRef || !customerId) return failIdentityCheck(deps, ctx, loginRef, 'otp_out_of_order');
    const form = request.form as OtpForm;
    const result = await deps.identityCheck.checkOtp(loginRef, customerId, form.otp, {
      surface: 'my_page',
      ip: ctx.ip,
    });
    if (!result.ok) return showIdentityFailure(deps, ctx);

    await deps.sessions.destroy(request.sessionId!);
    const next = await deps.sessions.create({ stage: 'active', customerId });
    cookie.write(ctx, next.id);
    await deps.identityCheck.waitForFloor(request.startedAt);
    ctx.status = 303;
    ctx.redirect('/my');
  };
