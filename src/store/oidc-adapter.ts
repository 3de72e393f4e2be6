import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import { epochSeconds, systemClock, type Clock } from '../shared/clock.ts';
import { tagged, type Store, type StoreWrite } from './store.ts';

/**
 * Where oidc-provider's records live in the store. This module is the only one that knows it
 * (test/store/storage-layout.test.ts checks): others read tokens through createOidcStore.
 * A grant's Grant and its token index share the grant's hash tag, so they can be written and
 * deleted in one script with the project's own record of the grant (src/grants/).
 */
/**
 * Records whose id is their key's hash tag: the Grant (written in one script with the project's
 * record of the grant) and the access tokens (read in one script with their DPoP replay marker,
 * which takes the token's tag).
 */
const TAGGED_MODELS = new Set(['Grant', 'AccessToken', 'ClientCredentials']);
/** Models read at their legacy (untagged) key too, while tokens issued before the tagged layout may live. */
const LEGACY_KEYED = new Set(['AccessToken', 'ClientCredentials']);

export const oidcKeys = {
  model: (model: string, id: string) =>
    TAGGED_MODELS.has(model) ? `oidc:${model}:${tagged(id)}` : `oidc:${model}:${id}`,
  /**
   * Where access tokens were kept before they took their id as hash tag: still read (never
   * written) so that tokens issued by an earlier version keep working until they expire.
   */
  legacyModel: (model: string, id: string) => `oidc:${model}:${id}`,
  /** Sorted set of the keys of every record bound to the grant (the Grant included), scored by expiry. */
  grant: (grantId: string) => `oidc:grant:${tagged(grantId)}`,
  /** Session uid → the Session's key. */
  uid: (uid: string) => `oidc:uid:${uid}`,
  /** Device flow user code → the DeviceCode's key. */
  userCode: (userCode: string) => `oidc:userCode:${userCode}`,
};

/** The models of oidc-provider 9 that carry a grantId (see each model's IN_PAYLOAD). */
const GRANT_BOUND = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export type OnUpsert = (
  model: string,
  id: string,
  payload: AdapterPayload,
  expiresIn: number | undefined,
) => Promise<void>;

export interface OidcAdapterOptions {
  /** Runs after a record is stored (e.g. to keep the project's own grant indexes). */
  onUpsert?: OnUpsert;
  /**
   * oidc-provider's `clockTolerance`: it accepts a record until exp + tolerance, so the record must
   * live that long too (its own memory adapter does the same).
   */
  clockToleranceSeconds?: number;
  /** Source of the `consumed` timestamp and of index scores; oidc-provider itself reads the system clock. */
  clock?: Clock;
  /** Runs after oidc-provider revoked a grant's records itself (refresh-token revocation, code replay). */
  onRevokeGrant?: (grantId: string) => Promise<void>;
}

/** A record of a grant as the store lists it: which model, which id. */
export interface GrantToken {
  model: string;
  id: string;
}

const parseKey = (key: string): GrantToken | undefined => {
  const match = /^oidc:([A-Za-z]+):(.+)$/.exec(key);
  if (!match) return undefined;
  const id = TAGGED_MODELS.has(match[1]) ? match[2].replace(/^\{(.*)\}$/, '$1') : match[2];
  return { model: match[1], id };
};

// Untyped library boundary: the JSON object oidc-provider gave upsert, handed back to it as its
// loosely typed AdapterPayload (every member optional, shaped by the model). Outside this module,
// the readers of a payload check the members they use (web/tokens/token-request.ts's guards).
const parsePayload = (raw: string | undefined): AdapterPayload | undefined =>
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- oidc-provider's own model, handed back
  raw === undefined ? undefined : (JSON.parse(raw) as AdapterPayload);

/**
 * oidc-provider's storage on the store port, and what the rest of the server may ask of it. One
 * key per record with the record's TTL; the grant index lists every record of a grant, scored by
 * its expiry and pruned of expired members on each write, and outlives all of them (its TTL only
 * grows), so revoking a grant finds each one.
 */
export const createOidcStore = (store: Store, options: Omit<OidcAdapterOptions, 'onUpsert' | 'onRevokeGrant'> = {}) => {
  const { clockToleranceSeconds = 0, clock = systemClock } = options;

  // Whole seconds, at least one: a record already past its exp is stored briefly rather than
  // rejected, and oidc-provider refuses it on read by its exp.
  const ttlFor = (expiresIn: number | undefined) =>
    expiresIn === undefined ? undefined : Math.max(1, Math.ceil(expiresIn + clockToleranceSeconds));

  const read = async (key: string | undefined) => (key === undefined ? undefined : parsePayload(await store.get(key)));

  /** A record by id, at its key or (an access token issued before tokens were tagged) its legacy key. */
  const readRecord = async (model: string, id: string) => {
    const found = await read(oidcKeys.model(model, id));
    if (found !== undefined || !LEGACY_KEYED.has(model)) return found;
    return read(oidcKeys.legacyModel(model, id));
  };

  /**
   * An access token by its value and, with `mark`, its DPoP replay marker set in the same round
   * trip (the marker's key must carry the token's hash tag: see tokenTag). A token found only under
   * its legacy key costs a second round trip and a separate marker write.
   */
  const findToken = async (model: 'AccessToken' | 'ClientCredentials', id: string, mark?: TokenMark) => {
    const { value, fresh } = await store.getAndMark(oidcKeys.model(model, id), mark);
    if (value !== undefined) return { payload: parsePayload(value), fresh };
    const legacy = await read(oidcKeys.legacyModel(model, id));
    if (legacy === undefined) return { payload: undefined };
    return { payload: legacy, fresh: mark ? await store.setIfAbsent(mark.key, '1', mark.ttlSeconds) : undefined };
  };

  /** The grant a record belongs to: its grantId, or its own id for the Grant. */
  const grantOf = (model: string, id: string, payload: AdapterPayload) => {
    if (model === 'Grant') return id;
    return GRANT_BOUND.has(model) ? payload.grantId : undefined;
  };

  const indexEntry = (key: string, ttl: number) => {
    const now = epochSeconds(clock);
    return { members: [{ member: key, score: now + ttl }], ttlSeconds: ttl, pruneBelow: now };
  };

  const tokenKeysOf = async (grantId: string) =>
    (await store.sortedSetRange(oidcKeys.grant(grantId))).map((m) => m.member);

  /** Deletes the grant's records (those `keep` does not spare) and their index entries. */
  const deleteRecordsOf = async (grantId: string, keep: (token: GrantToken) => boolean = () => false) => {
    const members = (await tokenKeysOf(grantId)).filter((key) => {
      const token = parseKey(key);
      return !token || !keep(token);
    });
    if (members.length === 0) return 0;
    await store.del(members);
    // Removing just these members (rather than deleting the index) keeps a record stored in the
    // meantime reachable; the set disappears with its last member.
    await store.removeFromSortedSet(oidcKeys.grant(grantId), members);
    return members.length;
  };

  const adapterFactory = (hooks: Pick<OidcAdapterOptions, 'onUpsert' | 'onRevokeGrant'> = {}): AdapterFactory => {
    const { onUpsert, onRevokeGrant } = hooks;
    return (model: string): Adapter => {
      const keyOf = (id: string) => oidcKeys.model(model, id);

      return {
        async upsert(id, payload, expiresIn) {
          const key = keyOf(id);
          const ttl = ttlFor(expiresIn);
          const grantId = grantOf(model, id, payload);
          // Indexes first: a record that exists is always reachable from its grant, so a failure
          // half way leaves at worst an index entry pointing at nothing (pruned when it expires).
          const indexes: Promise<void>[] = [];
          if (grantId) {
            if (ttl === undefined) throw new TypeError(`${model} ${id} is bound to a grant but has no expiry`);
            const entry = indexEntry(key, ttl);
            indexes.push(store.addToSortedSet(oidcKeys.grant(grantId), entry.members, ttl, entry.pruneBelow));
          }
          if (model === 'Session' && payload.uid) indexes.push(store.set(oidcKeys.uid(payload.uid), key, ttl));
          if (payload.userCode) indexes.push(store.set(oidcKeys.userCode(payload.userCode), key, ttl));
          await Promise.all(indexes);
          await store.set(key, JSON.stringify(payload), ttl);
          await onUpsert?.(model, id, payload, expiresIn);
        },

        async find(id) {
          return readRecord(model, id);
        },

        async findByUid(uid) {
          return read(await store.get(oidcKeys.uid(uid)));
        },

        async findByUserCode(userCode) {
          return read(await store.get(oidcKeys.userCode(userCode)));
        },

        async consume(id) {
          await store.markConsumed(keyOf(id), epochSeconds(clock));
        },

        async destroy(id) {
          let key = keyOf(id);
          let payload = await read(key);
          if (!payload && LEGACY_KEYED.has(model)) {
            key = oidcKeys.legacyModel(model, id);
            payload = await read(key);
          }
          if (!payload) return;
          // Secondary keys go only while they still point at this record; the grant index stays
          // with the grant's other records (revokeByGrantId may be running alongside).
          const secondary = [
            model === 'Session' && payload.uid ? oidcKeys.uid(payload.uid) : undefined,
            payload.userCode ? oidcKeys.userCode(payload.userCode) : undefined,
          ].filter((k): k is string => k !== undefined);
          const targets = await store.getMany(secondary);
          await store.del([key, ...secondary.filter((_, i) => targets[i] === key)]);
          const grantId = grantOf(model, id, payload);
          if (grantId) await store.removeFromSortedSet(oidcKeys.grant(grantId), [key]);
        },

        async revokeByGrantId(grantId) {
          await deleteRecordsOf(grantId);
          await onRevokeGrant?.(grantId);
        },
      };
    };
  };

  return {
    adapterFactory,

    /**
     * A partner's access token (oidc-provider's AccessToken model) by its value, with its DPoP
     * replay marker when `mark` is given; one store round trip.
     */
    findAccessToken: (id: string, mark?: TokenMark) => findToken('AccessToken', id, mark),
    /** A bank system's client-credentials access token by its value, as findAccessToken. */
    findClientToken: (id: string, mark?: TokenMark) => findToken('ClientCredentials', id, mark),
    /** Every record stored under the grant (its tokens, codes and the Grant itself). */
    async tokensOfGrant(grantId: string): Promise<GrantToken[]> {
      return (await tokenKeysOf(grantId)).map(parseKey).filter((t): t is GrantToken => t !== undefined);
    },
    /**
     * Deletes every record of the grant but its Grant (tokens, codes), idempotently; answers how
     * many were deleted. With `only`, just the records of those models.
     */
    revokeTokensOfGrant: (grantId: string, only?: readonly string[]) =>
      deleteRecordsOf(grantId, (t) => t.model === 'Grant' || (only !== undefined && !only.includes(t.model))),
    /**
     * The writes that store a Grant (as oidc-provider's Grant.save would), for a caller that writes
     * them in one script with other keys of the grant's hash tag.
     */
    grantWrites(grantId: string, payload: AdapterPayload, expiresIn: number): StoreWrite[] {
      const ttl = ttlFor(expiresIn)!;
      const key = oidcKeys.model('Grant', grantId);
      return [
        { op: 'addToSortedSet', key: oidcKeys.grant(grantId), ...indexEntry(key, ttl) },
        { op: 'set', key, value: JSON.stringify(payload), ttlSeconds: ttl },
      ];
    },
    /** Whether oidc-provider's Grant of this id is stored. */
    grantExists: async (grantId: string) => (await store.get(oidcKeys.model('Grant', grantId))) !== undefined,
    /** Every stored record that is bound to a grant, with its grant id (store:check; scans the store). */
    async grantBoundRecords(): Promise<(GrantToken & { grantId: string })[]> {
      const keys = (await store.keysWithPrefix('oidc:')).filter((k) => GRANT_BOUND.has(parseKey(k)?.model ?? ''));
      const values = await store.getMany(keys);
      return keys.flatMap((key, i) => {
        const grantId = parsePayload(values[i])?.grantId;
        const token = parseKey(key);
        return token && typeof grantId === 'string' ? [{ ...token, grantId }] : [];
      });
    },
    /** Members of grant indexes, not yet expired, whose record is gone (store:check; scans the store). */
    async danglingIndexMembers(): Promise<{ index: string; member: string }[]> {
      const now = epochSeconds(clock);
      const indexes = (await store.keysWithPrefix('oidc:grant:')).filter((k) => k.startsWith('oidc:grant:{'));
      const found: { index: string; member: string }[] = [];
      for (const index of indexes) {
        const members = (await store.sortedSetRange(index, { min: now })).map((m) => m.member);
        const values = await store.getMany(members);
        members.forEach((member, i) => {
          if (values[i] === undefined) found.push({ index, member });
        });
      }
      return found;
    },
    /** The writes that delete a grant's Grant and its index (after revokeTokensOfGrant). */
    grantDeletes(grantId: string): StoreWrite[] {
      return [
        { op: 'del', key: oidcKeys.model('Grant', grantId) },
        { op: 'del', key: oidcKeys.grant(grantId) },
      ];
    },
  };
};

export type OidcStore = ReturnType<typeof createOidcStore>;

/** A marker written with a token read: its key must carry the token's hash tag (tokenTag). */
export interface TokenMark {
  key: string;
  ttlSeconds: number;
}

/** The hash tag of an access token's key (its id): keys built with it share the token's slot. */
export const tokenTag = (tokenId: string): string => tagged(tokenId);

/** oidc-provider's adapter on the store port (see createOidcStore). */
export const createOidcAdapterFactory = (store: Store, options: OidcAdapterOptions = {}): AdapterFactory => {
  const { onUpsert, onRevokeGrant, ...rest } = options;
  return createOidcStore(store, rest).adapterFactory({ onUpsert, onRevokeGrant });
};

/** oidc-provider's keys, for the store's key list (src/store/keys.ts); the layout stays here. */
export const OIDC_KEY_KINDS = [
  {
    pattern: 'oidc:{Model}:{id}',
    match: /^oidc:[A-Z][A-Za-z]+:/,
    holds:
      "oidc-provider's records: sessions, interactions, codes, tokens; the Grant and access tokens take their id as " +
      'hash tag (`oidc:Grant:{{grantId}}`, `oidc:AccessToken:{{id}}`, `oidc:ClientCredentials:{{id}}`)',
    ttl: "the record's own lifetime plus the clock tolerance",
  },
  {
    pattern: 'oidc:grant:{{grantId}}',
    match: /^oidc:grant:\{/,
    holds: 'sorted set of the keys of every record of a grant, scored by expiry, pruned on each write',
    ttl: 'grows to that of its longest-lived member; deleted when the linkage ends',
  },
  {
    pattern: 'oidc:uid:{uid} / oidc:userCode:{code}',
    match: /^oidc:(uid|userCode):/,
    holds: "a Session's uid (or a device code's user code) → the record's key",
    ttl: "the record's",
  },
] as const;
