import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';
import { ManualClock } from '../../src/shared/clock.ts';
import { createOidcAdapterFactory, createOidcStore, oidcKeys, tokenTag } from '../../src/store/oidc-adapter.ts';
import type { Store } from '../../src/store/store.ts';
import { memoryHarness, singleNodeRedisHarness, type StoreContext } from './store-harness.ts';

const NOW = 1_900_000_000;

describe.each([memoryHarness, singleNodeRedisHarness])('oidc-provider adapter on $name', (harness) => {
  let ctx: StoreContext;
  let store: Store;
  let factory: AdapterFactory;
  const adapter = (model: string): Adapter => factory(model);

  beforeEach(async () => {
    ctx = await harness.open();
    store = ctx.store;
    factory = createOidcAdapterFactory(store, { clock: new ManualClock(NOW * 1000) });
  });
  afterEach(async () => {
    await ctx.dispose();
  });

  const indexMembers = async (grantId: string) =>
    (await store.sortedSetRange(oidcKeys.grant(grantId))).map((m) => m.member);

  const token = (grantId: string, extra: AdapterPayload = {}): AdapterPayload => ({
    iat: NOW,
    exp: NOW + 60,
    accountId: 'acct-1',
    clientId: 'partner-1',
    grantId,
    scope: 'openid accounts',
    ...extra,
  });

  it('stores a record under oidc:{Model}:{id} (an access token with its id as hash tag) with its TTL and finds it again', async () => {
    const payload = token('g1', { kind: 'AccessToken', jti: 'at-1' });
    await adapter('AccessToken').upsert('at-1', payload, 60);
    expect(await adapter('AccessToken').find('at-1')).toEqual(payload);
    expect(JSON.parse((await store.get('oidc:AccessToken:{at-1}'))!)).toEqual(payload);
    expect(await store.ttl('oidc:AccessToken:{at-1}')).toBe(60);
    expect(await adapter('AccessToken').find('unknown')).toBeUndefined();
    expect(await adapter('RefreshToken').find('at-1')).toBeUndefined();
  });

  it('indexes every grant-bound record, and the Grant itself, under oidc:grant:{grantId}', async () => {
    await adapter('Grant').upsert('g1', { accountId: 'acct-1', clientId: 'partner-1' }, 3600);
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 600);
    await adapter('AuthorizationCode').upsert('ac-1', token('g1'), 10);
    await adapter('DeviceCode').upsert('dc-1', token('g1', { userCode: 'ABCD-EFGH' }), 300);
    await adapter('BackchannelAuthenticationRequest').upsert('ba-1', token('g1'), 300);
    await adapter('PreAuthorizedCode').upsert('pc-1', token('g1'), 300);
    // Not bound to a grant: no grantId in their payloads.
    await adapter('ClientCredentials').upsert('cc-1', { clientId: 'internal' }, 60);
    await adapter('PushedAuthorizationRequest').upsert('par-1', { clientId: 'partner-1' }, 60);
    expect((await indexMembers('g1')).sort()).toEqual([
      'oidc:AccessToken:{at-1}',
      'oidc:AuthorizationCode:ac-1',
      'oidc:BackchannelAuthenticationRequest:ba-1',
      'oidc:DeviceCode:dc-1',
      'oidc:Grant:{g1}',
      'oidc:PreAuthorizedCode:pc-1',
      'oidc:RefreshToken:rt-1',
    ]);
  });

  it('the grant index lives as long as its longest record: its TTL grows and never shrinks', async () => {
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    expect(await store.ttl(oidcKeys.grant('g1'))).toBe(60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 3600);
    expect(await store.ttl(oidcKeys.grant('g1'))).toBe(3600);
    await adapter('AccessToken').upsert('at-2', token('g1'), 60);
    expect(await store.ttl(oidcKeys.grant('g1'))).toBeGreaterThan(3590);
  });

  it('revokeByGrantId deletes every record of the grant, the Grant included, and nothing else', async () => {
    await adapter('Grant').upsert('g1', { accountId: 'acct-1' }, 3600);
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 600);
    await adapter('Grant').upsert('g2', { accountId: 'acct-1' }, 3600);
    await adapter('AccessToken').upsert('at-2', token('g2'), 60);
    await adapter('Session').upsert('s-1', { uid: 'u-1', accountId: 'acct-1' }, 600);

    await adapter('AccessToken').revokeByGrantId('g1');

    expect(await adapter('AccessToken').find('at-1')).toBeUndefined();
    expect(await adapter('RefreshToken').find('rt-1')).toBeUndefined();
    expect(await adapter('Grant').find('g1')).toBeUndefined();
    expect(await indexMembers('g1')).toEqual([]);
    expect(await adapter('AccessToken').find('at-2')).toEqual(token('g2'));
    expect(await adapter('Grant').find('g2')).toEqual({ accountId: 'acct-1' });
    expect(await adapter('Session').find('s-1')).toEqual({ uid: 'u-1', accountId: 'acct-1' });
    expect((await store.keysWithPrefix('oidc:')).sort()).toEqual([
      'oidc:AccessToken:{at-2}',
      'oidc:Grant:{g2}',
      'oidc:Session:s-1',
      'oidc:grant:{g2}',
      'oidc:uid:u-1',
    ]);
    await adapter('AccessToken').revokeByGrantId('no-such-grant');
  });

  it('findByUid finds the Session through oidc:uid:{uid}, which expires with it', async () => {
    const session = { uid: 'u-1', accountId: 'acct-1', exp: NOW + 600 };
    await adapter('Session').upsert('s-1', session, 600);
    expect(await adapter('Session').findByUid('u-1')).toEqual(session);
    expect(await store.get(oidcKeys.uid('u-1'))).toBe('oidc:Session:s-1');
    expect(await store.ttl(oidcKeys.uid('u-1'))).toBe(600);
    expect(await adapter('Session').findByUid('u-unknown')).toBeUndefined();
  });

  it('findByUserCode finds the DeviceCode through oidc:userCode:{code}', async () => {
    const deviceCode = token('g1', { userCode: 'WDJB-MJHT' });
    await adapter('DeviceCode').upsert('dc-1', deviceCode, 300);
    expect(await adapter('DeviceCode').findByUserCode('WDJB-MJHT')).toEqual(deviceCode);
    expect(await store.ttl(oidcKeys.userCode('WDJB-MJHT'))).toBe(300);
    expect(await adapter('DeviceCode').findByUserCode('XXXX-XXXX')).toBeUndefined();
  });

  it('consume marks the record consumed at the current time and keeps its TTL', async () => {
    await adapter('AuthorizationCode').upsert('ac-1', token('g1'), 60);
    await adapter('AuthorizationCode').consume('ac-1');
    expect(await adapter('AuthorizationCode').find('ac-1')).toEqual({ ...token('g1'), consumed: NOW });
    expect(await store.ttl('oidc:AuthorizationCode:ac-1')).toBe(60);
  });

  it('consume of a record that is gone leaves it gone', async () => {
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 600);
    await adapter('RefreshToken').destroy('rt-1');
    await adapter('RefreshToken').consume('rt-1');
    await adapter('RefreshToken').consume('never-stored');
    expect(await adapter('RefreshToken').find('rt-1')).toBeUndefined();
    expect(await store.keysWithPrefix('oidc:RefreshToken:')).toEqual([]);
  });

  it("destroy removes the record and its index entries, but not the grant's other records", async () => {
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 600);
    await adapter('AccessToken').destroy('at-1');
    expect(await adapter('AccessToken').find('at-1')).toBeUndefined();
    expect(await indexMembers('g1')).toEqual(['oidc:RefreshToken:rt-1']);
    await adapter('AccessToken').destroy('at-1');
  });

  it('destroying an old Session id keeps the uid pointing at the Session that replaced it', async () => {
    await adapter('Session').upsert('s-old', { uid: 'u-1' }, 600);
    await adapter('Session').upsert('s-new', { uid: 'u-1' }, 600);
    await adapter('Session').destroy('s-old');
    expect(await adapter('Session').findByUid('u-1')).toEqual({ uid: 'u-1' });
    await adapter('Session').destroy('s-new');
    expect(await adapter('Session').findByUid('u-1')).toBeUndefined();
    expect(await store.get(oidcKeys.uid('u-1'))).toBeUndefined();
  });

  it('destroying the Grant leaves its tokens reachable for revokeByGrantId', async () => {
    await adapter('Grant').upsert('g1', {}, 3600);
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    await adapter('Grant').destroy('g1');
    expect(await indexMembers('g1')).toEqual(['oidc:AccessToken:{at-1}']);
    await adapter('AccessToken').revokeByGrantId('g1');
    expect(await adapter('AccessToken').find('at-1')).toBeUndefined();
  });

  it('the grant index is scored by expiry and drops expired members on the next write', async () => {
    const clock = new ManualClock(NOW * 1000);
    factory = createOidcAdapterFactory(store, { clock });
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 3600);
    expect(await store.sortedSetRange(oidcKeys.grant('g1'))).toEqual([
      { member: 'oidc:AccessToken:{at-1}', score: NOW + 60 },
      { member: 'oidc:RefreshToken:rt-1', score: NOW + 3600 },
    ]);
    clock.advance(120_000);
    await adapter('AccessToken').upsert('at-2', token('g1'), 60);
    expect(await indexMembers('g1')).toEqual(['oidc:AccessToken:{at-2}', 'oidc:RefreshToken:rt-1']);
  });

  it("createOidcStore finds tokens by value, lists and revokes a grant's tokens but keeps its Grant", async () => {
    const oidc = createOidcStore(store, { clock: new ManualClock(NOW * 1000) });
    await adapter('Grant').upsert('g1', { accountId: 'acct-1' }, 3600);
    await adapter('AccessToken').upsert('at-1', token('g1', { kind: 'AccessToken' }), 60);
    await adapter('RefreshToken').upsert('rt-1', token('g1'), 600);
    await adapter('ClientCredentials').upsert('cc-1', { kind: 'ClientCredentials', clientId: 'internal' }, 60);
    expect(await oidc.findAccessToken('at-1')).toEqual({ payload: token('g1', { kind: 'AccessToken' }) });
    expect(await oidc.findAccessToken('cc-1')).toEqual({});
    expect(await oidc.findClientToken('cc-1')).toEqual({
      payload: { kind: 'ClientCredentials', clientId: 'internal' },
    });
    expect((await oidc.tokensOfGrant('g1')).sort((a, b) => a.model.localeCompare(b.model))).toEqual([
      { model: 'AccessToken', id: 'at-1' },
      { model: 'Grant', id: 'g1' },
      { model: 'RefreshToken', id: 'rt-1' },
    ]);
    expect(await oidc.revokeTokensOfGrant('g1', ['AccessToken'])).toBe(1);
    expect(await oidc.findAccessToken('at-1')).toEqual({});
    expect(await adapter('RefreshToken').find('rt-1')).toBeDefined();
    expect(await oidc.revokeTokensOfGrant('g1')).toBe(1);
    expect(await oidc.revokeTokensOfGrant('g1')).toBe(0);
    expect(await indexMembers('g1')).toEqual(['oidc:Grant:{g1}']);
    expect(await adapter('Grant').find('g1')).toEqual({ accountId: 'acct-1' });
  });

  it('finds a token and sets its replay marker under its hash tag in one call; none for a missing token', async () => {
    const oidc = createOidcStore(store, { clock: new ManualClock(NOW * 1000) });
    await adapter('AccessToken').upsert('at-1', token('g1', { kind: 'AccessToken' }), 60);
    await adapter('ClientCredentials').upsert('cc-1', { kind: 'ClientCredentials', clientId: 'internal' }, 60);
    const mark = { key: `dpop:${tokenTag('at-1')}:jti-1`, ttlSeconds: 125 };
    expect(await oidc.findAccessToken('at-1', mark)).toEqual({
      payload: token('g1', { kind: 'AccessToken' }),
      fresh: true,
    });
    expect(await oidc.findAccessToken('at-1', mark)).toMatchObject({ fresh: false });
    expect(await store.ttl(mark.key)).toBe(125);
    expect(await oidc.findClientToken('cc-1', { key: `dpop:${tokenTag('cc-1')}:j`, ttlSeconds: 9 })).toMatchObject({
      fresh: true,
    });
    expect(await oidc.findAccessToken('unknown', { key: `dpop:${tokenTag('unknown')}:j`, ttlSeconds: 9 })).toEqual({});
    expect(await store.get(`dpop:${tokenTag('unknown')}:j`)).toBeUndefined();
    // A marker of another slot than its token's is refused.
    await expect(oidc.findAccessToken('at-1', { key: 'dpop:{at-2}:j', ttlSeconds: 9 })).rejects.toThrow(TypeError);
  });

  it('still finds, marks and destroys access tokens stored under the untagged key of earlier versions', async () => {
    const oidc = createOidcStore(store, { clock: new ManualClock(NOW * 1000) });
    const payload = token('g1', { kind: 'AccessToken' });
    await store.set('oidc:AccessToken:old-1', JSON.stringify(payload), 60);
    await store.addToSortedSet(oidcKeys.grant('g1'), [{ member: 'oidc:AccessToken:old-1', score: NOW + 60 }], 60);
    expect(await adapter('AccessToken').find('old-1')).toEqual(payload);
    const mark = { key: `dpop:${tokenTag('old-1')}:j1`, ttlSeconds: 30 };
    expect(await oidc.findAccessToken('old-1', mark)).toEqual({ payload, fresh: true });
    expect(await oidc.findAccessToken('old-1', mark)).toEqual({ payload, fresh: false });
    await adapter('AccessToken').destroy('old-1');
    expect(await adapter('AccessToken').find('old-1')).toBeUndefined();
    expect(await store.get('oidc:AccessToken:old-1')).toBeUndefined();
    expect(await indexMembers('g1')).toEqual([]);
  });

  it('adds the clock tolerance to every TTL', async () => {
    factory = createOidcAdapterFactory(store, { clockToleranceSeconds: 15 });
    await adapter('AccessToken').upsert('at-1', token('g1'), 60);
    expect(await store.ttl('oidc:AccessToken:{at-1}')).toBe(75);
    expect(await store.ttl(oidcKeys.grant('g1'))).toBe(75);
  });

  it('calls onUpsert once the record is stored', async () => {
    const calls: unknown[][] = [];
    factory = createOidcAdapterFactory(store, {
      onUpsert: async (model, id, payload, expiresIn) => {
        calls.push([model, id, payload, expiresIn, await store.get(oidcKeys.model(model, id))]);
      },
    });
    await adapter('Grant').upsert('g1', { accountId: 'acct-1' }, 3600);
    expect(calls).toEqual([['Grant', 'g1', { accountId: 'acct-1' }, 3600, '{"accountId":"acct-1"}']]);
  });

  it('refuses a grant-bound record without expiry rather than index it forever', async () => {
    await expect(adapter('AccessToken').upsert('at-1', token('g1'))).rejects.toThrow(TypeError);
    expect(await store.keysWithPrefix('oidc:')).toEqual([]);
  });

  it("serves oidc-provider's own models: save, find, consume, findByUid and revocation by grant", async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const provider = new Provider('http://localhost:3000', {
      adapter: createOidcAdapterFactory(store),
      jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'test' }] },
      clients: [
        {
          client_id: 'partner-1',
          client_secret: 'not-a-real-secret',
          redirect_uris: ['https://partner.example/cb'],
          id_token_signed_response_alg: 'ES256',
        },
      ],
      features: { devInteractions: { enabled: false } },
      ttl: { Grant: 3600, AccessToken: 60, RefreshToken: 600, Session: 600 },
    });
    const client = (await provider.Client.find('partner-1'))!;
    const grant = new provider.Grant({ accountId: 'acct-1', clientId: 'partner-1' });
    grant.addOIDCScope('openid');
    const grantId = await grant.save();
    const common = { client, accountId: 'acct-1', grantId, scope: 'openid', gty: 'authorization_code' };
    const accessToken = await new provider.AccessToken(common).save();
    const refreshToken = new provider.RefreshToken(common);
    const refreshValue = await refreshToken.save();
    await refreshToken.consume();
    const session = new provider.Session();
    session.accountId = 'acct-1';
    await session.save(600);

    expect((await provider.AccessToken.find(accessToken))?.accountId).toBe('acct-1');
    expect((await provider.RefreshToken.find(refreshValue))?.isValid).toBe(false);
    expect((await provider.Session.findByUid(session.uid))?.accountId).toBe('acct-1');
    expect((await provider.Grant.find(grantId))?.getOIDCScope()).toBe('openid');
    expect(await store.ttl(oidcKeys.grant(grantId))).toBe(3600);

    await provider.AccessToken.revokeByGrantId(grantId);
    expect(await provider.AccessToken.find(accessToken)).toBeUndefined();
    expect(await provider.RefreshToken.find(refreshValue)).toBeUndefined();
    expect(await provider.Grant.find(grantId)).toBeUndefined();
    expect((await provider.Session.findByUid(session.uid))?.accountId).toBe('acct-1');
  });
});
