import type { Middleware } from 'koa';
import type { MyPageDeps, MyPageRouteState } from '../deps.ts';
import { customerLinkages } from '../linkages.ts';
import { renderLinkagesPage, renderLoginPage, renderOtpPage } from '../pages.ts';

/** GET /my shows whichever step the session is at: PIN, one-time code, or the linkages. */
export const showCurrentStep =
  (deps: MyPageDeps): Middleware<MyPageRouteState> =>
  async (ctx) => {
    const request = ctx.state.myPage;
    const session = request.session!;
    if (session.stage === 'otp') return renderOtpPage(deps, ctx);
    if (session.stage !== 'active' || !session.customerId) return renderLoginPage(deps, ctx);

    // "Ended" is said once, on the page the confirmation leads to.
    let endedPartnerName: string | undefined;
    if (session.endedPartnerId) {
      const partner = (await deps.partners.find(session.endedPartnerId))?.partner;
      endedPartnerName = partner ? partner.name[request.locale] : session.endedPartnerId;
      const { endedPartnerId: _said, ...rest } = session;
      request.session = await deps.sessions.touch(request.sessionId!, rest);
    }
    return renderLinkagesPage(deps, ctx, await customerLinkages(deps, session.customerId), endedPartnerName);
  };
