import { importJWK } from 'jose';
import * as oauth from 'oauth4webapi';

/**
 * A FAPI 2.0 partner, as a partner would write it with oauth4webapi (an independent,
 * standards-conformant client library): PAR + PKCE S256 + private_key_jwt + DPoP. The demo
 * partner app uses it, and so do the tests that drive the server as a partner would.
 */
export interface PartnerClientOptions {
  issuer: string;
  clientId: string;
  /** The partner's private signing JWK (with kid and alg). */
  privateJwk: Record<string, unknown> & { kid?: string; alg?: string };
  redirectUri: string;
  /** Plain http is allowed only for a local trial or a test server. */
  allowHttp?: boolean;
  /**
   * The data API's idea of now, when it differs from this machine's (tests move the server's
   * clock): DPoP proofs for resource calls are dated by it, as oauth4webapi's clockSkew allows.
   */
  resourceClock?: { now(): number };
}

export interface PendingAuthorization {
  authorizationUrl: string;
  codeVerifier: string;
  state: string;
  nonce?: string;
  dpopKeys: oauth.CryptoKeyPair;
}

export type AuthorizationParams = {
  scope: string;
  ui_locales?: string;
  prompt?: string;
  [name: string]: string | undefined;
};

export const createPartnerClient = async (options: PartnerClientOptions) => {
  const http = options.allowHttp ? { [oauth.allowInsecureRequests]: true } : {};
  const issuer = new URL(options.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, http));
  const client: oauth.Client = { client_id: options.clientId };
  const signingKey = await importJWK(options.privateJwk, options.privateJwk.alg ?? 'ES256');
  if (!(signingKey instanceof CryptoKey)) throw new TypeError('the demo partner key is not an asymmetric private key');
  const clientAuth = oauth.PrivateKeyJwt({ key: signingKey, kid: options.privateJwk.kid });
  const dpopHandles = new WeakMap<oauth.CryptoKeyPair, oauth.DPoPHandle>();
  const dpopFor = (keys: oauth.CryptoKeyPair) => {
    let handle = dpopHandles.get(keys);
    if (!handle) dpopHandles.set(keys, (handle = oauth.DPoP(client, keys)));
    return handle;
  };

  /** Retries once when the server asks for a DPoP nonce (RFC 9449 §8). */
  const withNonceRetry = async <T>(attempt: () => Promise<T>): Promise<T> => {
    try {
      return await attempt();
    } catch (err) {
      if (oauth.isDPoPNonceError(err)) return attempt();
      throw err;
    }
  };

  return {
    as,
    client,
    newDpopKeys: () => oauth.generateKeyPair('ES256'),
    dpop: dpopFor,

    /** Pushes the authorization request (PAR) and answers the URL to send the browser to. */
    async startAuthorization(
      params: AuthorizationParams,
      dpopKeys?: oauth.CryptoKeyPair,
    ): Promise<PendingAuthorization> {
      const keys = dpopKeys ?? (await oauth.generateKeyPair('ES256'));
      const codeVerifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = params.scope.split(' ').includes('openid') ? oauth.generateRandomNonce() : undefined;
      const body = new URLSearchParams({
        client_id: options.clientId,
        redirect_uri: options.redirectUri,
        response_type: 'code',
        code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        ...(nonce ? { nonce } : {}),
      });
      for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
      const pushed = await withNonceRetry(async () =>
        oauth.processPushedAuthorizationResponse(
          as,
          client,
          await oauth.pushedAuthorizationRequest(as, client, clientAuth, body, { ...http, DPoP: dpopFor(keys) }),
        ),
      );
      const url = new URL(as.authorization_endpoint!);
      url.searchParams.set('client_id', options.clientId);
      url.searchParams.set('request_uri', pushed.request_uri);
      return { authorizationUrl: url.href, codeVerifier, state, nonce, dpopKeys: keys };
    },

    /** Validates the redirect back (state, iss, errors) and exchanges the code. */
    async exchangeCode(callbackUrl: string | URL, pending: PendingAuthorization) {
      const params = oauth.validateAuthResponse(as, client, new URL(callbackUrl), pending.state);
      return withNonceRetry(async () => {
        const response = await oauth.authorizationCodeGrantRequest(
          as,
          client,
          clientAuth,
          params,
          options.redirectUri,
          pending.codeVerifier,
          { ...http, DPoP: dpopFor(pending.dpopKeys) },
        );
        return oauth.processAuthorizationCodeResponse(as, client, response, {
          expectedNonce: pending.nonce ?? oauth.expectNoNonce,
        });
      });
    },

    async refresh(refreshToken: string, dpopKeys: oauth.CryptoKeyPair) {
      return withNonceRetry(async () =>
        oauth.processRefreshTokenResponse(
          as,
          client,
          await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, {
            ...http,
            DPoP: dpopFor(dpopKeys),
          }),
        ),
      );
    },

    async revoke(token: string) {
      return oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, token, http));
    },

    /**
     * A DPoP proof for one request, for showing a ready-to-run curl command (the demo page).
     * oauth4webapi signs it; `addProof` is its own method, not part of its typed surface, so it is
     * looked for before it is called.
     */
    async proofFor(url: string | URL, method: string, accessToken: string, dpopKeys: oauth.CryptoKeyPair) {
      const headers = new Headers();
      const handle = dpopFor(dpopKeys);
      if (!('addProof' in handle) || typeof handle.addProof !== 'function')
        throw new TypeError('oauth4webapi DPoP handles no longer have addProof');
      await handle.addProof(new URL(url), headers, method, accessToken);
      return headers.get('dpop')!;
    },

    /** A DPoP-protected call to the data API. */
    async resource(url: string | URL, accessToken: string, dpopKeys: oauth.CryptoKeyPair, method = 'GET') {
      const skew = options.resourceClock ? Math.round((options.resourceClock.now() - Date.now()) / 1000) : 0;
      const dpop = skew === 0 ? dpopFor(dpopKeys) : oauth.DPoP({ [oauth.clockSkew]: skew }, dpopKeys);
      try {
        return await withNonceRetry(() =>
          oauth.protectedResourceRequest(
            accessToken,
            method,
            new URL(url),
            new Headers({ accept: 'application/json' }),
            null,
            { ...http, DPoP: dpop },
          ),
        );
      } catch (err) {
        // A refusal with a WWW-Authenticate challenge is an answer too: hand it back as it came.
        if (err instanceof oauth.WWWAuthenticateChallengeError) return err.response;
        throw err;
      }
    },
  };
};

export type PartnerClient = Awaited<ReturnType<typeof createPartnerClient>>;
