// Reference "limit": one DPoP proof verified the cheapest correct way (node:crypto, the key object
// cached per proof header, hence per thumbprint, in a bounded map) and ONE Redis round trip that
// reads the token and records the proof's jti (SET NX) under the token's hash tag; the same JSON.
import { createHash, createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Koa from 'koa';
import { Redis } from 'ioredis';

// The real server's answer, written by the bench once it is up (read at the first request).
let bodyOf: unknown;
const body = () => (bodyOf ??= JSON.parse(readFileSync(process.env.BODY_FILE!, 'utf8')));
const issuer = process.env.ISSUER!;
const jkt = process.env.DPOP_JKT!;
const redis = new Redis(process.env.REDIS_URL!);
redis.defineCommand('tokenAndReplay', {
  numberOfKeys: 2,
  lua: `local t = redis.call('GET', KEYS[1])
if not t then return {false, 0} end
if redis.call('SET', KEYS[2], '1', 'EX', ARGV[1], 'NX') then return {t, 1} end
return {t, 0}`,
});
type Script = (tokenKey: string, replayKey: string, ttl: number) => Promise<[string | null, number]>;
const tokenAndReplay = (redis as unknown as { tokenAndReplay: Script }).tokenAndReplay.bind(redis);

const token = randomBytes(32).toString('base64url');
await redis.set(
  `at:{${token}}`,
  JSON.stringify({
    jkt,
    scope: 'accounts deposits',
    accountId: 'bench',
    clientId: 'demo-kakeibo',
    exp: Date.now() + 36e5,
  }),
  'EX',
  3600,
);

const keys = new Map<string, { key: KeyObject; jkt: string }>();
const keyFor = (headerB64: string) => {
  let k = keys.get(headerB64);
  if (k) return k;
  const header = JSON.parse(Buffer.from(headerB64, 'base64url').toString());
  if (header.typ !== 'dpop+jwt' || header.alg !== 'ES256' || header.jwk?.kty !== 'EC' || header.jwk.d) return undefined;
  const { crv, kty, x, y } = header.jwk;
  k = {
    key: createPublicKey({ key: { crv, kty, x, y }, format: 'jwk' }),
    jkt: createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url'),
  };
  if (keys.size >= 1000) keys.delete(keys.keys().next().value!);
  keys.set(headerB64, k);
  return k;
};

const deny = (ctx: Koa.Context) => {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', 'DPoP error="invalid_token"');
};

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path !== '/api/v1/accounts') return void (ctx.status = 404);
  const auth = ctx.get('authorization');
  const proof = ctx.get('dpop');
  if (!auth.startsWith('DPoP ') || !proof) return deny(ctx);
  const at = auth.slice(5);
  const [h, p, s] = proof.split('.');
  const key = h && p && s ? keyFor(h) : undefined;
  if (
    !key ||
    !verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key: key.key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    )
  )
    return deny(ctx);
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  const now = Math.floor(Date.now() / 1000);
  if (
    claims.htm !== ctx.method ||
    claims.htu !== `${issuer}${ctx.path}` ||
    typeof claims.jti !== 'string' ||
    typeof claims.iat !== 'number' ||
    Math.abs(now - claims.iat) > 60 ||
    claims.ath !== createHash('sha256').update(at).digest('base64url')
  )
    return deny(ctx);
  const [stored, fresh] = await tokenAndReplay(`at:{${at}}`, `dpop:{${at}}:${claims.jti}`, 120);
  if (!stored || !fresh) return deny(ctx);
  const t = JSON.parse(stored);
  if (t.exp <= Date.now() || t.jkt !== key.jkt || !t.scope.split(' ').includes('accounts')) return deny(ctx);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body();
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ ready: true, accessToken: token })}\n`),
);
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  redis.disconnect();
});
