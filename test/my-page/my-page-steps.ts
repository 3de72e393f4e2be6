import type * as oauth from 'oauth4webapi';
import type { AccountType, LoginAccountRef } from '../../src/core-banking/port.ts';
import type { PartnerClient } from '../../src/demo-partner/partner-client.ts';
import { CustomerAgent, type Page } from '../support/customer-agent.ts';
import type { DemoCustomer } from '../support/demo.ts';
import type { TestServer } from '../support/server.ts';

/**
 * The customer's own page (/my) driven at the HTTP level. The agent never stops at a partner:
 * /my never leaves the bank. The clock first moves past the TOTP step, so that no one-time code
 * used by an earlier linkage is offered again.
 */
export const NEVER = 'http://partner.invalid/';

export const openMyPage = async (server: TestServer, agent = new CustomerAgent(NEVER)) => {
  server.clock.advance(31_000);
  const loginPage = await agent.request(`${server.url}/my`);
  return { agent, loginPage };
};

export const signIn = async (server: TestServer, who: DemoCustomer) => {
  const { agent, loginPage } = await openMyPage(server);
  const otpPage = await agent.login(loginPage, who);
  const listPage = await agent.otp(otpPage, who, server.clock.now());
  return { agent, loginPage, otpPage, listPage };
};

/** The grant ids on the list page, in the order shown. */
export const linkageIds = (page: Page) =>
  [...page.html.matchAll(/action="\/my\/linkages\/([^/"]+)\/end"/g)].map((m) => decodeURIComponent(m[1]));

/** The partner names on the list page, in the order shown. */
export const partnerNames = (page: Page) =>
  [...page.html.matchAll(/<h2 id="linkage-\d+" class="partner-name">([^<]*)<\/h2>/g)].map((m) => m[1]);

export const refOf = (who: DemoCustomer): LoginAccountRef => ({
  branchCode: who.branch,
  accountType: who.accountType as AccountType,
  accountNumber: who.accountNumber,
});

type Linked = { tokens: { access_token: string; refresh_token?: string }; pending: { dpopKeys: oauth.CryptoKeyPair } };

export const dataCall = (server: TestServer, partner: PartnerClient, linked: Linked, path = '/accounts') =>
  partner.resource(`${server.url}/api/v1${path}`, linked.tokens.access_token, linked.pending.dpopKeys);
