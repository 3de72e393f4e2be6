import type { Adapter, AdapterFactory, AdapterPayload } from 'oidc-provider';
import { epochSeconds, systemClock, type Clock } from '../shared/clock.ts';
import type { Store } from './store.ts';

/** Where oidc-provider's records live in the store; other modules read tokens through these. */
export const oidcKeys = {
  model: (model: string, id: string) => `oidc:${model}:${id}`,
  /** Set of the keys of every record bound to the grant, the Grant itself included. */
  grant: (grantId: string) => `oidc:grant:${grantId}`,
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
  /** Source of the `consumed` timestamp; oidc-provider itself reads the system clock. */
  clock?: Clock;
  /** Runs after oidc-provider revoked a grant's records itself (refresh-token revocation, code replay). */
  onRevokeGrant?: (grantId: string) => Promise<void>;
}

/**
 * oidc-provider's adapter on the store port. One key per record, `oidc:{Model}:{id}`, with the
 * record's TTL; the grant index `oidc:grant:{grantId}` lists every record of a grant and outlives
 * all of them (its TTL only grows), so revokeByGrantId finds each one.
 */
export const createOidcAdapterFactory = (store: Store, options: OidcAdapterOptions = {}): AdapterFactory => {
  const { onUpsert, onRevokeGrant, clockToleranceSeconds = 0, clock = systemClock } = options;

  // Whole seconds, at least one: a record already past its exp is stored briefly rather than
  // rejected, and oidc-provider refuses it on read by its exp.
  const ttlFor = (expiresIn: number | undefined) =>
    expiresIn === undefined ? undefined : Math.max(1, Math.ceil(expiresIn + clockToleranceSeconds));

  const read = async (key: string | undefined): Promise<AdapterPayload | undefined> => {
    if (key === undefined) return undefined;
    const raw = await store.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as AdapterPayload);
  };

  /** The grant a record belongs to: its grantId, or its own id for the Grant. */
  const grantOf = (model: string, id: string, payload: AdapterPayload) => {
    if (model === 'Grant') return id;
    return GRANT_BOUND.has(model) ? payload.grantId : undefined;
  };

  return (model: string): Adapter => {
    const keyOf = (id: string) => oidcKeys.model(model, id);

    return {
      async upsert(id, payload, expiresIn) {
        const key = keyOf(id);
        const ttl = ttlFor(expiresIn);
        const grantId = grantOf(model, id, payload);
        // Indexes first: a record that exists is always reachable from its grant, so a failure
        // half way leaves at worst an index entry pointing at nothing.
        const indexes: Promise<void>[] = [];
        if (grantId) {
          if (ttl === undefined) throw new TypeError(`${model} ${id} is bound to a grant but has no expiry`);
          indexes.push(store.addToSet(oidcKeys.grant(grantId), [key], ttl));
        }
        if (model === 'Session' && payload.uid) indexes.push(store.set(oidcKeys.uid(payload.uid), key, ttl));
        if (payload.userCode) indexes.push(store.set(oidcKeys.userCode(payload.userCode), key, ttl));
        await Promise.all(indexes);
        await store.set(key, JSON.stringify(payload), ttl);
        await onUpsert?.(model, id, payload, expiresIn);
      },

      async find(id) {
        return read(keyOf(id));
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
        const key = keyOf(id);
        const payload = await read(key);
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
        if (grantId) await store.removeFromSet(oidcKeys.grant(grantId), [key]);
      },

      async revokeByGrantId(grantId) {
        const index = oidcKeys.grant(grantId);
        const members = await store.setMembers(index);
        if (members.length > 0) {
          await store.del(members);
          // Removing just these members (rather than deleting the index) keeps a record stored in
          // the meantime reachable; the set disappears with its last member.
          await store.removeFromSet(index, members);
        }
        await onRevokeGrant?.(grantId);
      },
    };
  };
};
