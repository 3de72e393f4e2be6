import type { Middleware } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';
import type { LoginForm } from '../forms.ts';
import type { SessionCookie } from '../session-cookie.ts';
import { showIdentityFailure } from './identity-failure.ts';

/** Step 1 of the identity check: branch, account and cash-card PIN (src/identity-check). */
export const verifyPin =
  (deps: Pick<MyPageDeps, 'sessions' | 'identityCheck' | 'render'>, cookie: SessionCookie): Middleware =>
  async (ctx) => {
    const request = ctx.state.myPage as MyPageRequest;
    const form = request.form as LoginForm;
    const ref: LoginAccountRef = {
      branchCode: form.branch,
      accountType: form.accountType,
      accountNumber: form.accountNumber,
    };
    const result = await deps.identityCheck.checkPin(ref, form.pin, { surface: 'my_page', ip: ctx.ip });
    if (!result.ok) return showIdentityFailure(deps, ctx);

    // A new session id at each step: an id seen before the PIN is worthless after it.
    await deps.sessions.destroy(request.sessionId!);
    const next = await deps.sessions.create({ stage: 'otp', loginRef: ref, customerId: result.customerId });
    cookie.write(ctx, next.id);
    await deps.identityCheck.waitForFloor(request.startedAt);
    ctx.status = 303;
    ctx.redirect('/my');
  };
