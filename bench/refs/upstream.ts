// Reference "upstream" and "raw refresh": oidc-provider as its documentation has it, with the same
// FAPI 2.0 settings as the project (PAR, private_key_jwt, DPoP, PKCE, opaque data-API tokens, no
// refresh-token rotation) over a plain Redis adapter, and a data route the way its docs suggest:
// AccessToken.find + Grant.find + a jose DPoP verification with a Redis SET NX replay check.
// None of the project's additions (audit, partner checks, calendar, access log, metrics).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import { Redis } from 'ioredis';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';

const issuer = process.env.ISSUER!;
// The real server's answer, written by the bench once it is up (read at the first request).
let bodyOf: unknown;
const body = () => (bodyOf ??= JSON.parse(readFileSync(process.env.BODY_FILE!, 'utf8')));
const jkt = process.env.DPOP_JKT!;
const client = JSON.parse(readFileSync(process.env.CLIENT_FILE!, 'utf8'));
const jwks = JSON.parse(readFileSync(process.env.JWKS_FILE!, 'utf8'));
const redis = new Redis(process.env.REDIS_URL!);
const dataApi = `${issuer}/api/v1`;

/** A plain Redis adapter: one JSON value per id, TTL from oidc-provider, grant index for revocation. */
class RedisAdapter implements Adapter {
  name: string;
  constructor(name: string) {
    this.name = name;
  }
  key(id: string) {
    return `${this.name}:${id}`;
  }
  async upsert(id: string, payload: AdapterPayload, expiresIn: number) {
    const m = redis.multi().set(this.key(id), JSON.stringify(payload), 'EX', expiresIn);
    if (payload.grantId) m.sadd(`grant:${payload.grantId}`, this.key(id)).expire(`grant:${payload.grantId}`, expiresIn);
    await m.exec();
  }
  async find(id: string) {
    const v = await redis.get(this.key(id));
    return v ? (JSON.parse(v) as AdapterPayload) : undefined;
  }
  async findByUserCode() {
    return undefined;
  }
  async findByUid() {
    return undefined;
  }
  async consume(id: string) {
    const v = await this.find(id);
    if (v) await redis.set(this.key(id), JSON.stringify({ ...v, consumed: Math.floor(Date.now() / 1000) }), 'KEEPTTL');
  }
  async destroy(id: string) {
    await redis.del(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    const keys = await redis.smembers(`grant:${grantId}`);
    if (keys.length) await redis.del(...keys);
    await redis.del(`grant:${grantId}`);
  }
}

const provider = new Provider(issuer, {
  adapter: RedisAdapter,
  clients: [client],
  jwks,
  clientDefaults: {
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'private_key_jwt',
    id_token_signed_response_alg: 'ES256',
  },
  responseTypes: ['code'],
  scopes: ['openid', 'offline_access', 'accounts', 'deposits', 'time_deposits'],
  clientAuthMethods: ['private_key_jwt'],
  enabledJWA: {
    clientAuthSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
    dPoPSigningAlgValues: ['ES256', 'PS256', 'EdDSA'],
  },
  pkce: { required: () => true },
  rotateRefreshToken: () => false,
  expiresWithSession: async () => false,
  findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  features: {
    devInteractions: { enabled: false },
    fapi: { enabled: true, profile: '2.0' },
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: true },
    dPoP: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => dataApi,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'accounts deposits time_deposits',
        audience: dataApi,
        accessTokenFormat: 'opaque',
      }),
    },
  },
});

// One linkage, minted the way the authorization code grant would leave it.
const theClient = await provider.Client.find(client.client_id);
const grant = new provider.Grant({ accountId: 'bench-customer', clientId: client.client_id });
grant.addOIDCScope('offline_access');
grant.addResourceScope(dataApi, 'accounts deposits');
const grantId = await grant.save();
const at = new provider.AccessToken({
  accountId: 'bench-customer',
  client: theClient,
  grantId,
  scope: 'accounts deposits',
  gty: 'authorization_code',
} as never);
at.setThumbprint('jkt', jkt);
at.resourceServer = new provider.ResourceServer(dataApi, {
  scope: 'accounts deposits time_deposits',
  audience: dataApi,
  accessTokenFormat: 'opaque',
});
const accessToken = await at.save();
const rt = new provider.RefreshToken({
  accountId: 'bench-customer',
  client: theClient,
  grantId,
  scope: 'offline_access accounts deposits',
  gty: 'authorization_code',
  resource: dataApi,
} as never);
const refreshToken = await rt.save();

const deny = (ctx: { status: number; set(k: string, v: string): void }) => {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', 'DPoP error="invalid_token"');
};

provider.use(async (ctx, next) => {
  if (ctx.path !== '/api/v1/accounts') return next();
  const auth = ctx.get('authorization');
  const proof = ctx.get('dpop');
  if (!auth.startsWith('DPoP ') || !proof) return deny(ctx);
  const value = auth.slice(5);
  const token = await provider.AccessToken.find(value);
  if (!token || !token.scopes.has('accounts') || token.aud !== dataApi) return deny(ctx);
  const grantOf = await provider.Grant.find(token.grantId!);
  if (!grantOf || grantOf.clientId !== token.clientId) return deny(ctx);
  try {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ['ES256', 'PS256', 'EdDSA'],
      maxTokenAge: 60,
      clockTolerance: 5,
    });
    if (
      payload.htm !== ctx.method ||
      payload.htu !== `${issuer}${ctx.path}` ||
      typeof payload.jti !== 'string' ||
      payload.ath !== createHash('sha256').update(value).digest('base64url') ||
      (await calculateJwkThumbprint(protectedHeader.jwk!)) !== token.jkt
    )
      return deny(ctx);
    if ((await redis.set(`dpop:${payload.jti}`, '1', 'EX', 120, 'NX')) !== 'OK') return deny(ctx);
  } catch {
    return deny(ctx);
  }
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body();
});

const server = provider.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ ready: true, accessToken, refreshToken })}\n`),
);
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  redis.disconnect();
});
