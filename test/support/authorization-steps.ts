import type { PartnerClient, PendingAuthorization } from '../../src/demo-partner/partner-client.ts';
import { CustomerAgent, type Page } from './customer-agent.ts';
import type { DemoCustomer } from './demo.ts';
import { DEFAULT_SCOPE } from './linkage.ts';
import type { TestServer } from './server.ts';

/**
 * One authorization taken step by step, for tests that stop (or go wrong) part-way: each step
 * answers what the next one needs. `stopAt` is the partner's redirect URI (the demo callback by
 * default). The clock first moves past the TOTP step, as in linkage.ts, so that consecutive
 * authorizations never reuse a one-time code by accident.
 */
export interface StepOptions {
  scope?: string;
  stopAt?: string;
  ui_locales?: string;
}

export interface Begun {
  pending: PendingAuthorization;
  agent: CustomerAgent;
  loginPage: Page;
}

export const beginAuthorization = async (
  server: TestServer,
  partner: PartnerClient,
  options: StepOptions = {},
): Promise<Begun> => {
  server.clock.advance(31_000);
  const pending = await partner.startAuthorization({
    scope: options.scope ?? DEFAULT_SCOPE,
    ui_locales: options.ui_locales,
  });
  const agent = new CustomerAgent(options.stopAt ?? `${server.url}/demo/callback`);
  const loginPage = await agent.request(pending.authorizationUrl);
  if (loginPage.status !== 200 || !loginPage.html.includes('name="pin"'))
    throw new Error(`no login page: ${loginPage.status} ${loginPage.url}`);
  return { pending, agent, loginPage };
};

/** Through the PIN step: answers the one-time-code page. */
export const reachOtp = async (
  server: TestServer,
  partner: PartnerClient,
  who: DemoCustomer,
  options: StepOptions = {},
) => {
  const begun = await beginAuthorization(server, partner, options);
  const otpPage = await begun.agent.login(begun.loginPage, who);
  if (otpPage.status !== 200 || !otpPage.html.includes('name="otp"'))
    throw new Error(`no one-time-code page: ${otpPage.status} ${otpPage.url}`);
  return { ...begun, otpPage };
};

/** Through the identity check: answers the page after the one-time code (consent, or why not). */
export const reachConsent = async (
  server: TestServer,
  partner: PartnerClient,
  who: DemoCustomer,
  options: StepOptions = {},
) => {
  const reached = await reachOtp(server, partner, who, options);
  const consentPage = await reached.agent.otp(reached.otpPage, who, server.clock.now());
  return { ...reached, consentPage, offered: CustomerAgent.checkboxValues(consentPage.html, 'accounts') };
};

/** Through consent (every offered account ticked): answers the partner's callback URL, code not yet exchanged. */
export const reachCallback = async (
  server: TestServer,
  partner: PartnerClient,
  who: DemoCustomer,
  options: StepOptions = {},
) => {
  const reached = await reachConsent(server, partner, who, options);
  const callback = await reached.agent.consent(reached.consentPage, 'agree', reached.offered);
  if (callback.status !== 0)
    throw new Error(`the authorization did not reach the partner: ${callback.status} ${callback.url}`);
  return { ...reached, callbackUrl: callback.url };
};

/** Posts a form of the interaction the page belongs to (`/interaction/:uid/<action>`). */
export const interactionUrl = (page: Page, action: string) => {
  const url = new URL(page.url);
  const uid = url.pathname.split('/')[2];
  return `${url.origin}/interaction/${uid}/${action}`;
};
