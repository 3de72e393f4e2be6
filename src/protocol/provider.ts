import { X509Certificate } from 'node:crypto';
import type { Context } from 'koa';
import Provider, {
  errors as oidcErrors,
  type Configuration,
  type ErrorOut,
  type KoaContextWithOIDC,
} from 'oidc-provider';
import type { Availability } from '../availability/index.ts';
import type { TermsVersion } from '../config/load-config.ts';
import type { InternalClient, Secrets, Settings, SigningKeys } from '../config/schema.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRecords } from '../grants/grant-records.ts';
import type { GrantRevocation } from '../grants/revocation.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Clock } from '../shared/clock.ts';
import { DEFAULT_RETRY_AFTER_SECONDS, unavailableCause } from '../shared/unavailable.ts';
import type { OidcStore } from '../store/oidc-adapter.ts';
import { fieldOf, isRecord } from '../shared/unknown-json.ts';
import type { Store } from '../store/store.ts';
import { createProviderAdapter } from './adapter.ts';
import { OUTAGE_DESCRIPTION } from './unavailable.ts';
import { audiences, DATA_API_SCOPES, INTERNAL_SCOPES } from './audiences.ts';
import { FAPI_SIGNING_ALGS, internalClientMetadata } from './clients.ts';
import { freshEveryTimePolicy } from './interaction-policy.ts';
import { ttlConfiguration } from './lifetimes.ts';
import { grantManagementParams, GRANT_MANAGEMENT_ACTIONS } from './grant-management-params.ts';
import { findAccount } from './find-account.ts';
import { assertClientAssertionLifetime, dpopIatWindow } from './proof-time-bounds.ts';
import { explainEndedRefresh, rememberRefreshToken } from './refresh-errors.ts';
import {
  extraTokenClaims,
  introspectionAllowedPolicy,
  issueRefreshToken,
  revocationAllowedPolicy,
} from './token-policies.ts';

/** The provider's slice of the settings (types from the config schema). */
export type ProtocolSettings = Pick<Settings, 'clientAssertion' | 'mtls' | 'lifetimes' | 'dpop'> & {
  server: Pick<Settings['server'], 'issuer' | 'trustProxy'>;
};

/** What the provider reads of the configuration: settings, keys and secrets, the internal clients, the terms. */
export interface ProtocolConfig {
  settings: ProtocolSettings;
  signingKeys: SigningKeys;
  secrets: Pick<Secrets, 'cookieKeys' | 'dpopNonceSecret'>;
  internalClients: readonly InternalClient[];
  terms: readonly TermsVersion[];
}

export interface ProtocolDeps {
  config: ProtocolConfig;
  store: Store;
  partners: PartnerRegistry;
  grants: GrantRecords;
  coreBanking: CoreBanking;
  /**
   * Renders oidc-provider's own error pages in the bank's look; also for an outage answered before
   * oidc-provider set up its context, hence `oidc` may be absent.
   */
  renderError: (ctx: Context & { oidc?: KoaContextWithOIDC['oidc'] }, out: ErrorOut, error: Error) => Promise<void>;
  /** Redirect URIs added at run time (the embedded demo partner app). */
  extraRedirectUris: (clientId: string) => string[];
  /** Reads why a linkage ended (refresh errors, the account lookup). */
  revocation: Pick<GrantRevocation, 'ending'>;
  /** oidc-provider's storage (src/store/oidc-adapter.ts), with the clock tolerance. */
  oidc: OidcStore;
  /** oidc-provider revoked a grant's tokens itself (refresh-token revocation, code replay): end the linkage. */
  onProviderRevokedGrant: (grantId: string) => Promise<void>;
  clock: Clock;
  /** Whether token refresh is open now (service calendar, operators' restrictions). */
  availability: Availability;
}

/**
 * The OAuth 2.0 / OpenID Connect authorization server, FAPI 2.0 Security Profile by default:
 * PAR required, PKCE S256, private_key_jwt (or mTLS through a trusted proxy), sender-constrained
 * access tokens, `iss` in the authorization response, `code` only, exact redirect URIs.
 */
/**
 * Outermost provider middleware: every 503 it answers (an outage its error handlers rendered from
 * ProviderUnavailableError) gets Retry-After and no caching, and an outage that escaped them is
 * answered here as `temporarily_unavailable` instead of koa's bare 500.
 */
const answerOutages = (provider: Provider, renderError: ProtocolDeps['renderError']) => {
  provider.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const unavailable = unavailableCause(error);
      if (!unavailable || ctx.headerSent) throw error;
      const out = { error: 'temporarily_unavailable', error_description: OUTAGE_DESCRIPTION };
      ctx.status = 503;
      if (/\btext\/html\b/.test(ctx.get('accept'))) await renderError(ctx, out, unavailable);
      else ctx.body = out;
    }
    // An outage's JSON answer (the page sets its own headers); a restriction's 503 keeps its own Retry-After.
    if (ctx.status === 503 && !ctx.headerSent && fieldOf(ctx.body, 'error_description') === OUTAGE_DESCRIPTION) {
      ctx.set('Retry-After', String(DEFAULT_RETRY_AFTER_SECONDS));
      ctx.set('Cache-Control', 'no-store');
    }
  });
};

const MTLS_AUTH_METHODS = ['tls_client_auth', 'self_signed_tls_client_auth'] as const;

export const createProvider = (deps: ProtocolDeps): Provider => {
  const { config } = deps;
  const { settings, secrets } = config;
  const issuer = settings.server.issuer;
  const aud = audiences(issuer);
  const assertAssertion = assertClientAssertionLifetime(settings.clientAssertion.maxLifetimeSeconds);
  const partnerOnly = (ctx: KoaContextWithOIDC | undefined) =>
    !config.internalClients.some((c) => c.client_id === ctx?.oidc?.client?.clientId);
  // The TLS-terminating proxy verified the chain and forwards the PEM in a header.
  const certificateOf = (ctx: KoaContextWithOIDC): X509Certificate | undefined => {
    const raw = ctx.get(settings.mtls.certificateHeader);
    if (!raw) return undefined;
    try {
      return new X509Certificate(decodeURIComponent(raw));
    } catch {
      return undefined;
    }
  };

  const configuration: Configuration = {
    adapter: createProviderAdapter({
      oidc: deps.oidc,
      partners: deps.partners,
      extraRedirectUris: deps.extraRedirectUris,
      // Refresh-token revocation (RFC 7009) and authorization-code replay end the whole linkage.
      onUpsert: rememberRefreshToken(deps.store),
      onRevokeGrant: deps.onProviderRevokedGrant,
    }),
    clients: config.internalClients.map(internalClientMetadata),
    jwks: structuredClone(config.signingKeys),
    cookies: {
      keys: [...secrets.cookieKeys],
      long: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https:') },
      short: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https:') },
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'private_key_jwt',
      id_token_signed_response_alg: 'ES256',
    },
    responseTypes: ['code'],
    extraParams: grantManagementParams(deps.grants),
    // Client `scope` metadata may only name scopes listed here; which scopes a token gets is
    // decided per resource server below (internal scopes only ever for internal clients).
    scopes: ['openid', 'offline_access', ...DATA_API_SCOPES, ...INTERNAL_SCOPES],
    claims: { openid: ['sub'] },
    // `sub` is pairwise by construction: the account id oidc-provider sees is already per partner
    // (see shared/pairwise.ts); discovery says so below.
    subjectTypes: ['public'],
    clientAuthMethods: ['private_key_jwt', ...(settings.mtls.enabled ? MTLS_AUTH_METHODS : [])],
    enabledJWA: {
      clientAuthSigningAlgValues: FAPI_SIGNING_ALGS,
      dPoPSigningAlgValues: FAPI_SIGNING_ALGS,
      idTokenSigningAlgValues: ['PS256', 'ES256'],
      requestObjectSigningAlgValues: FAPI_SIGNING_ALGS,
      authorizationSigningAlgValues: ['PS256', 'ES256'],
      introspectionSigningAlgValues: ['PS256', 'ES256'],
      userinfoSigningAlgValues: ['PS256', 'ES256'],
    },
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    conformIdTokenClaims: true,
    ttl: ttlConfiguration(settings.lifetimes),
    expiresWithSession: async () => false,
    issueRefreshToken,
    rotateRefreshToken: () => false,
    // Only the grant this very interaction created counts: consent is never reused silently.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    extraTokenClaims: extraTokenClaims(deps.grants),
    findAccount: findAccount({
      availability: deps.availability,
      grants: deps.grants,
      revocation: deps.revocation,
      coreBanking: deps.coreBanking,
      terms: config.terms,
      clock: deps.clock,
    }),
    interactions: {
      policy: freshEveryTimePolicy(),
      url: async (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: deps.renderError,
    // oidc-provider's FAPI 2.0 audience check, then the bank's bound on the assertion's lifetime.
    assertJwtClientAuthClaimsAndHeader: async (ctx, claims) => {
      if (claims.aud !== ctx.oidc.issuer)
        throw new oidcErrors.InvalidClientAuth('audience (aud) must equal the issuer identifier url');
      assertAssertion(claims);
    },
    features: {
      devInteractions: { enabled: false },
      fapi: { enabled: true, profile: '2.0' },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
      dPoP: {
        enabled: true,
        nonceSecret: Buffer.from(secrets.dpopNonceSecret, 'base64url'),
        requireNonce: () => settings.dpop.requireNonce,
      },
      mTLS: settings.mtls.enabled
        ? {
            enabled: true,
            certificateBoundAccessTokens: true,
            tlsClientAuth: true,
            selfSignedTlsClientAuth: true,
            getCertificate: certificateOf,
            // tls_client_auth: the certificate must chain to a CA the bank trusts, which only the proxy
            // can tell; without this a self-signed certificate could claim a partner's subject DN.
            certificateAuthorized: (ctx) => ctx.get(settings.mtls.verificationHeader) === 'SUCCESS',
            certificateSubjectMatches: (ctx, property, expected) => {
              const cert = certificateOf(ctx);
              // RFC 8705 names the DN in RFC 4514 form: last RDN first, as `openssl x509 -nameopt RFC2253`
              // and nginx's $ssl_client_s_dn print it. Node lists the first RDN first (values already escaped).
              const dn = cert?.subject
                .split('\n')
                .map((rdn) => rdn.split(' + ').reverse().join('+'))
                .reverse()
                .join(',');
              return property === 'tls_client_auth_subject_dn' && dn === expected;
            },
          }
        : { enabled: false },
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        allowedPolicy: introspectionAllowedPolicy(
          new Set(config.internalClients.filter((c) => c.introspection).map((c) => c.client_id)),
        ),
      },
      revocation: { enabled: true, allowedPolicy: revocationAllowedPolicy },
      userinfo: { enabled: true },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx) => (partnerOnly(ctx) ? aud.dataApi : undefined),
        // Tokens are for the data API without naming it, except when a token request asks for
        // `scope=openid` alone: that is a userinfo token (the data API token never carries openid).
        useGrantedResource: async (ctx) => ctx.oidc.params?.scope !== 'openid',
        getResourceServerInfo: async (ctx, resource, client) => {
          const internal = config.internalClients.find((c) => c.client_id === client.clientId);
          if (!internal && resource === aud.dataApi) {
            return {
              scope: DATA_API_SCOPES.join(' '),
              audience: aud.dataApi,
              accessTokenFormat: 'opaque',
              accessTokenTTL: undefined,
            };
          }
          if (internal && resource === aud.adminApi)
            return { scope: 'admin:read admin:write', audience: aud.adminApi, accessTokenFormat: 'opaque' };
          if (internal && resource === aud.coreEvents)
            return { scope: 'core:events', audience: aud.coreEvents, accessTokenFormat: 'opaque' };
          void ctx;
          throw new oidcErrors.InvalidTarget();
        },
      },
    },
    discovery: {
      service_documentation: `${issuer}/docs`,
      ui_locales_supported: ['ja', 'en'],
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = settings.server.trustProxy;
  answerOutages(provider, deps.renderError);
  explainEndedRefresh(provider, { store: deps.store, revocation: deps.revocation, clock: deps.clock });
  provider.use(dpopIatWindow(settings.dpop.iatToleranceSeconds));
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body;
    if (ctx.oidc?.route === 'discovery' && isRecord(body)) {
      // Discovery is built from the issuer alone (see pinToIssuer), so caches may keep it a while.
      ctx.set('Cache-Control', 'public, max-age=300');
      body.subject_types_supported = ['pairwise'];
      body.scopes_supported = ['openid', 'offline_access', ...DATA_API_SCOPES];
      body.grant_management_endpoint = `${issuer}/grants`;
      body.grant_management_actions_supported = [...GRANT_MANAGEMENT_ACTIONS];
      body.grant_management_action_required = false;
    }
    // Grant Management: the token response names the linkage, so the partner can manage it.
    const grantId = ctx.oidc?.entities?.Grant?.jti;
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && grantId && isRecord(body)) body.grant_id = grantId;
  });
  return provider;
};
