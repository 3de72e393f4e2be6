import type * as oauth from 'oauth4webapi';
import {
  createPartnerClient,
  type PartnerClient,
  type PendingAuthorization,
} from '../../src/demo-partner/partner-client.ts';
import { CustomerAgent, type Page } from './customer-agent.ts';
import { demoPrivateJwk, type DemoCustomer } from './demo.ts';
import type { TestServer } from './server.ts';

export const partnerFor = (server: TestServer, clientId = 'demo-kakeibo'): Promise<PartnerClient> =>
  createPartnerClient({
    issuer: server.url,
    clientId,
    privateJwk: demoPrivateJwk(clientId) as never,
    redirectUri: `${server.url}/demo/callback`,
    allowHttp: true,
    resourceClock: server.clock,
  });

export const DEFAULT_SCOPE =
  'openid offline_access accounts deposits time_deposits grant_management_query grant_management_revoke';

/**
 * One whole API連携認証, driven the way a partner and a customer drive it: PAR, the identity check,
 * the one-time code, account choice and consent, then the code exchange. Moves the test clock past
 * the TOTP step first, so that consecutive linkages never reuse a one-time code.
 */
export const link = async (
  server: TestServer,
  partner: PartnerClient,
  who: DemoCustomer,
  options: {
    scope?: string;
    accounts?: (offered: string[]) => string[];
    agent?: CustomerAgent;
    /** The DPoP key pair the tokens are bound to (default: a fresh one). */
    dpopKeys?: oauth.CryptoKeyPair;
  } = {},
) => {
  server.clock.advance(31_000);
  const pending = await partner.startAuthorization({ scope: options.scope ?? DEFAULT_SCOPE }, options.dpopKeys);
  const agent = options.agent ?? new CustomerAgent(`${server.url}/demo/callback`);
  const loginPage = await agent.request(pending.authorizationUrl);
  const otpPage = await agent.login(loginPage, who);
  const consentPage = await agent.otp(otpPage, who, server.clock.now());
  const offered = CustomerAgent.checkboxValues(consentPage.html, 'accounts');
  const chosen = options.accounts ? options.accounts(offered) : offered;
  const callback = await agent.consent(consentPage, 'agree', chosen);
  if (!callback.url.startsWith(`${server.url}/demo/callback`))
    throw new Error(
      `linkage did not reach the partner: ${callback.status} ${callback.url}\n${callback.html.slice(0, 500)}`,
    );
  const tokens = await partner.exchangeCode(callback.url, pending);
  return { tokens, pending, agent, offered, chosen, consentPage };
};

export const startAt = async (
  server: TestServer,
  partner: PartnerClient,
  scope = DEFAULT_SCOPE,
): Promise<{ pending: PendingAuthorization; agent: CustomerAgent; page: Page }> => {
  server.clock.advance(31_000);
  const pending = await partner.startAuthorization({ scope });
  const agent = new CustomerAgent(`${server.url}/demo/callback`);
  const page = await agent.request(pending.authorizationUrl);
  return { pending, agent, page };
};
