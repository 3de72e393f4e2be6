import type { Context } from 'koa';
import type { LoginAccountRef } from '../../core-banking/port.ts';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';
import { renderLoginPage } from '../pages.ts';

/**
 * The one answer to every failed identity check, as in API連携認証: back to the first step, with
 * the same page, status and wording whatever failed.
 */
export const showIdentityFailure = async (
  deps: Pick<MyPageDeps, 'sessions' | 'identityCheck' | 'render'>,
  ctx: Context,
) => {
  const request = ctx.state.myPage as MyPageRequest;
  const { csrf, createdAt, lastSeenAt } = request.session!;
  request.session = await deps.sessions.touch(request.sessionId!, { stage: 'login', csrf, createdAt, lastSeenAt });
  await deps.identityCheck.waitForFloor(request.startedAt);
  return renderLoginPage(deps, ctx, { status: 400, errorKey: 'login.error' });
};

/** A failure found before the core system was asked (a malformed form, a step out of order). */
export const failIdentityCheck = async (
  deps: Pick<MyPageDeps, 'sessions' | 'identityCheck' | 'render'>,
  ctx: Context,
  ref: LoginAccountRef | undefined,
  reason: string,
) => {
  await deps.identityCheck.fail(ref, reason, { surface: 'my_page', ip: ctx.ip });
  return showIdentityFailure(deps, ctx);
};
