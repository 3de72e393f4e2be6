import { randomBytes } from 'node:crypto';
import { createRouter } from '../http/router.ts';
import type { DemoData } from '../config/load-config.ts';
import type { PartnerDefinition } from '../partners/schema.ts';
import { readForm, single } from '../http/form-body.ts';
import { noStore } from '../http/no-store.ts';
import type { Logger } from '../shared/logger.ts';
import { codeOf } from '../shared/thrown.ts';
import { fieldOf, stringField } from '../shared/unknown-json.ts';
import type * as oauth from 'oauth4webapi';
import { fetchDemoData } from './data.ts';
import { createPartnerClient, type PartnerClient, type PendingAuthorization } from './partner-client.ts';
import { renderDemoPage } from './pages.ts';

interface DemoSession {
  clientId: string;
  pending?: PendingAuthorization;
  dpopKeys?: oauth.CryptoKeyPair;
  result?: Record<string, unknown>;
  error?: string;
}

/**
 * A small partner app inside the server (demo data only), so that a newcomer can try the whole
 * flow in a browser: start a linkage, log in, consent, and see the token response. It talks to
 * this server over HTTP exactly as an outside partner would.
 */
export const demoPartnerRouter = (deps: {
  issuer: string;
  /** The demo partners' private keys (demo data), by client id. */
  privateKeys: DemoData['privateKeys'];
  /** Every partner definition: the demo ones are shown. */
  partners: readonly PartnerDefinition[];
  demoPartnerIds: Set<string>;
  callbackUrl: string;
  logger: Logger;
}) => {
  const router = createRouter({ prefix: '/demo' });
  const { issuer } = deps;
  const sessions = new Map<string, DemoSession>();
  const clients = new Map<string, Promise<PartnerClient>>();
  const clientFor = (clientId: string) => {
    let client = clients.get(clientId);
    if (!client) {
      const jwk = deps.privateKeys[clientId].keys[0];
      client = createPartnerClient({
        issuer,
        clientId,
        privateJwk: jwk,
        redirectUri: deps.callbackUrl,
        allowHttp: issuer.startsWith('http:'),
      });
      client.catch(() => clients.delete(clientId));
      clients.set(clientId, client);
    }
    return client;
  };
  const partners = deps.partners.filter((p) => deps.demoPartnerIds.has(p.partner.client_id)).map((p) => p.partner);

  router.use(noStore);

  router.get('/', (ctx) => renderDemoPage(ctx, { partners }));

  router.post('/start', async (ctx) => {
    const form = await readForm(ctx);
    const clientId = single(form.client_id) ?? '';
    const partner = partners.find((p) => p.client_id === clientId);
    if (!partner) return ctx.throw(400, 'unknown demo partner');
    const locale = single(form.ui_locales) === 'en' ? 'en' : 'ja';
    const wanted = [
      'openid',
      'offline_access',
      'accounts',
      'deposits',
      'time_deposits',
      'grant_management_query',
      'grant_management_revoke',
    ];
    const scope = wanted.filter((s) => partner.scopes.some((allowed) => allowed === s)).join(' ');
    const client = await clientFor(clientId);
    const pending = await client.startAuthorization({ scope, ui_locales: locale });
    // The same DPoP key signs the code exchange and every later data call of this linkage.
    const sid = randomBytes(18).toString('base64url');
    sessions.set(sid, { clientId, pending });
    if (sessions.size > 1000) sessions.delete(sessions.keys().next().value!);
    ctx.cookies.set('demo_sid', sid, {
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      secure: issuer.startsWith('https:'),
    });
    ctx.redirect(pending.authorizationUrl);
  });

  router.get('/callback', async (ctx) => {
    const sid = ctx.cookies.get('demo_sid', { signed: true });
    const session = sid ? sessions.get(sid) : undefined;
    if (!session?.pending) return renderDemoPage(ctx, { partners, error: 'no_pending_authorization' });
    const client = await clientFor(session.clientId);
    try {
      const tokens = await client.exchangeCode(new URL(ctx.url, issuer), session.pending);
      session.result = { ...tokens };
      session.dpopKeys = session.pending.dpopKeys;
      session.error = undefined;
    } catch (err) {
      // oauth4webapi: an error the authorization server sent back carries the callback's parameters.
      const cause = fieldOf(err, 'cause');
      const fromAs = cause instanceof URLSearchParams ? cause.get('error') : undefined;
      session.error = fromAs ?? stringField(err, 'error') ?? codeOf(err) ?? 'error';
      deps.logger.info('demo partner: authorization did not complete', { error: session.error });
    }
    session.pending = undefined;
    ctx.redirect('/demo/result');
  });

  router.get('/result', async (ctx) => {
    const sid = ctx.cookies.get('demo_sid', { signed: true });
    const session = sid ? sessions.get(sid) : undefined;
    const accessToken = session?.result?.access_token;
    const data =
      session && typeof accessToken === 'string' && session.dpopKeys
        ? await fetchDemoData(await clientFor(session.clientId), `${issuer}/api/v1`, accessToken, session.dpopKeys, {
            accountId: typeof ctx.query.account === 'string' ? ctx.query.account : undefined,
            nextItemKey: typeof ctx.query.next === 'string' ? ctx.query.next : undefined,
          })
        : undefined;
    return renderDemoPage(ctx, { partners, tokenResponse: session?.result, error: session?.error, data });
  });

  return router;
};
