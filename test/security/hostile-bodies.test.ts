import { generateKeyPairSync } from 'node:crypto';
import type { AnySchema } from 'ajv';
import fc from 'fast-check';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../../src/http/json-depth.ts';
import { partnerSchema } from '../../src/partners/schema.ts';
import { createPagingKeys } from '../../src/resource-api/paging.ts';
import { createAjv } from '../../src/shared/json-schema.ts';
import { adminApi, requestAdminToken } from '../admin/support/admin-api.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** Bodies built to hurt: nesting that overflows a stack, keys of the wrong shape, paging keys of any bytes. */
const nested = (depth: number, open = '[', close = ']', inner = '1') =>
  `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

describe('JSON depth is limited before anything walks the body', () => {
  test('jsonTooDeep counts nesting outside strings only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.constantFrom('[]', '{}'), (depth, pair) => {
        const text = pair === '[]' ? nested(depth) : nested(depth, '{"a":', '}');
        expect(jsonTooDeep(text)).toBe(depth > MAX_JSON_DEPTH);
      }),
    );
    expect(jsonTooDeep(`"${'['.repeat(1000)}"`)).toBe(false);
    expect(jsonTooDeep(`["\\"${'['.repeat(100)}"]`)).toBe(false);
  });

  describe('admin API', () => {
    let server: TestServer;
    let call: ReturnType<typeof adminApi>;
    beforeAll(async () => {
      server = await startServer();
      call = adminApi(server, (await requestAdminToken(server)).access_token);
    });
    afterAll(async () => {
      await server?.close();
    });

    test('a 20,000-deep array inside an admin API body is refused with 400 invalid_request, and nothing is stored', async () => {
      for (const body of [
        `{"definition":${nested(20_000)},"reason":"x"}`,
        `{"definition":{"client_id":"deep-one","jwks":{"keys":${nested(20_000)}}},"reason":"x"}`,
        nested(10_000, '{"a":', '}'),
      ]) {
        const answer = await call('PUT', '/partners/deep-one', body);
        expect(answer.status).toBe(400);
        expect(answer.body.errorCode).toBe('invalid_request');
      }
      expect((await call('GET', '/partners/deep-one')).status).toBe(404);
    });

    test('a partner whose JWK has x: [[[1]]] is refused with 400 invalid_request and not stored', async () => {
      const definition = {
        client_id: 'bad-key-partner',
        name: { ja: '鍵不正', en: 'Bad key' },
        redirect_uris: ['https://bad-key.example/callback'],
        scopes: ['offline_access', 'accounts'],
        account_types: ['ordinary'],
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: [[[1]]], y: 'A'.repeat(43) }] },
      };
      const answer = await call('PUT', '/partners/bad-key-partner', { definition, reason: 'new partner' });
      expect(answer.status).toBe(400);
      expect(answer.body.errorCode).toBe('invalid_request');
      expect((await call('GET', '/partners/bad-key-partner')).status).toBe(404);
    });
  });
});

describe('partner JWKs are validated per kty', () => {
  const ajv = createAjv();
  const validate = ajv.compile(partnerSchema as AnySchema);
  const partnerWith = (key: unknown) => ({
    client_id: 'key-check',
    name: { ja: '鍵', en: 'Key' },
    redirect_uris: ['https://key-check.example/callback'],
    scopes: ['accounts'],
    account_types: ['ordinary'],
    jwks: { keys: [key] },
  });
  const publicJwk = (type: 'ec' | 'rsa' | 'ed25519', options: Record<string, unknown> = {}): Record<string, unknown> =>
    (
      generateKeyPairSync(type as never, options as never) as unknown as { publicKey: import('node:crypto').KeyObject }
    ).publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  const good = [
    publicJwk('ec', { namedCurve: 'P-256' }),
    publicJwk('ec', { namedCurve: 'P-384' }),
    publicJwk('ec', { namedCurve: 'P-521' }),
    publicJwk('rsa', { modulusLength: 2048 }),
    publicJwk('ed25519'),
  ];

  test('real public keys of every kind are accepted', () => {
    for (const key of good) expect({ key, ok: validate(partnerWith(key)) }).toEqual({ key, ok: true });
  });

  test('a member of the wrong type or length, a missing member, a private member or a short RSA modulus is refused', () => {
    const rsa1024 = publicJwk('rsa', { modulusLength: 1024 });
    const privateEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    expect(validate(partnerWith(rsa1024))).toBe(false);
    expect(validate(partnerWith(privateEc))).toBe(false);
    fc.assert(
      fc.property(
        fc.constantFrom(...good),
        fc.constantFrom('x', 'y', 'n', 'e', 'crv'),
        fc.oneof(
          fc.constant(undefined),
          fc.anything().filter((v) => typeof v !== 'string'),
          fc.string({ maxLength: 30 }).map((s) => `${s}!`),
          fc.integer({ min: 1, max: 42 }).map((n) => 'A'.repeat(n)),
        ),
        (key, member, value) => {
          // A short exponent of base64url letters is a valid `e`: not a spoiled key.
          if (!(member in key) || (member === 'e' && typeof value === 'string' && /^A{1,8}$/.test(value))) return;
          const spoiled = { ...key, [member]: value };
          if (value === undefined) delete (spoiled as Record<string, unknown>)[member];
          expect({ spoiled, ok: validate(partnerWith(spoiled)) }).toEqual({ spoiled, ok: false });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('paging keys', () => {
  const keys = createPagingKeys(Buffer.alloc(32, 7));
  const scope = { accountId: 'a1', dateFrom: '2026-01-01', dateTo: '2026-01-31' };

  test('any input string, non-ASCII included, is read without throwing and is not accepted', () => {
    const issued = keys.issue(scope, 'item-9');
    expect(keys.read(issued, scope)).toBe('item-9');
    const [body] = issued.split('.');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', minLength: 22, maxLength: 22 })),
        (s) => {
          expect(keys.read(s, scope)).toBeUndefined();
          if (s !== issued.split('.')[1]) expect(keys.read(`${body}.${s}`, scope)).toBeUndefined();
        },
      ),
      { numRuns: 2000 },
    );
    expect(keys.read(`${body}.${'é'.repeat(22)}`, scope)).toBeUndefined();
  });
});
