import type { Clock } from '../shared/clock.ts';
import { isRecord } from '../shared/unknown-json.ts';
import { tagged, type Store, type StoreWrite } from '../store/store.ts';
import { isStringArray, parseStored } from './stored-json.ts';

/**
 * What oidc-provider's Grant does not keep: which accounts the customer ticked, under which terms
 * version, since and until when. Keyed by the oidc-provider grant id; indexed by customer and by
 * partner so that bulk revocation (a customer's, a partner's) never scans the store.
 */
export interface GrantRecord {
  grantId: string;
  customerId: string;
  partnerId: string;
  accountIds: string[];
  scopes: string[];
  termsVersion: string;
  consentId: string;
  /** When the identity check for this grant completed (ms epoch): the linkage's lifetime counts from it. */
  identifiedAt: number;
  createdAt: number;
  expiresAt: number;
  /** Thumbprint of the partner's DPoP key at the code exchange; every refresh must use it. */
  jkt?: string;
}

export type GrantParties = Pick<GrantRecord, 'grantId' | 'customerId' | 'partnerId'>;

/** A grant record as the store keeps it, member by member. */
export const isGrantRecord = (value: unknown): value is GrantRecord =>
  isRecord(value) &&
  typeof value.grantId === 'string' &&
  typeof value.customerId === 'string' &&
  typeof value.partnerId === 'string' &&
  isStringArray(value.accountIds) &&
  isStringArray(value.scopes) &&
  typeof value.termsVersion === 'string' &&
  typeof value.consentId === 'string' &&
  typeof value.identifiedAt === 'number' &&
  typeof value.createdAt === 'number' &&
  typeof value.expiresAt === 'number' &&
  (value.jkt === undefined || typeof value.jkt === 'string');

/** In the grant's hash slot, with the Grant, its consent evidence and its tombstone. */
const recordKey = (grantId: string) => `grant:${tagged(grantId)}`;
const customerIndexKey = (customerId: string) => `idx:grants-by-customer:${customerId}`;
const partnerIndexKey = (partnerId: string) => `idx:grants-by-partner:${partnerId}`;

/**
 * Grant records and their indexes. The indexes are sorted sets scored by each linkage's end (epoch
 * seconds): a read skips members already past it and every write prunes them, so an index holds
 * only linkages that can still be live. Only src/grants/ writes these (test/grants/boundaries.test.ts).
 */
export const createGrantRecords = (deps: { store: Store; clock: Clock }) => {
  const { store, clock } = deps;
  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const ttlOf = (record: GrantRecord) => Math.max(1, Math.ceil((record.expiresAt - clock.now()) / 1000));
  const endSeconds = (record: GrantRecord) => Math.ceil(record.expiresAt / 1000);
  const liveIds = async (key: string) => (await store.sortedSetRange(key, { min: nowSeconds() })).map((m) => m.member);

  return {
    /** The record's write, for one script with the rest of the grant's slot (see linkages.ts). */
    recordWrite(record: GrantRecord): StoreWrite {
      return { op: 'set', key: recordKey(record.grantId), value: JSON.stringify(record), ttlSeconds: ttlOf(record) };
    },

    recordDelete(grantId: string): StoreWrite {
      return { op: 'del', key: recordKey(grantId) };
    },

    /** Index entries go in before the record: a live record is always reachable by bulk endings. */
    async addToIndexes(record: GrantRecord): Promise<void> {
      const ttl = ttlOf(record);
      const members = [{ member: record.grantId, score: endSeconds(record) }];
      await store.addToSortedSet(customerIndexKey(record.customerId), members, ttl, nowSeconds());
      await store.addToSortedSet(partnerIndexKey(record.partnerId), members, ttl, nowSeconds());
    },

    async removeFromIndexes(record: GrantParties): Promise<void> {
      await store.removeFromSortedSet(customerIndexKey(record.customerId), [record.grantId]);
      await store.removeFromSortedSet(partnerIndexKey(record.partnerId), [record.grantId]);
    },

    /** Rewrites a live record (a key bound, an account dropped), keeping its TTL. */
    async update(record: GrantRecord): Promise<void> {
      await store.writeTogether([this.recordWrite(record)]);
    },

    /** Tests and tools: a record with its index entries, without the rest of a linkage. */
    async save(record: GrantRecord): Promise<void> {
      await this.addToIndexes(record);
      await this.update(record);
    },

    async bindKey(grantId: string, jkt: string): Promise<void> {
      const record = await this.find(grantId);
      if (record && !record.jkt) await this.update({ ...record, jkt });
    },

    async find(grantId: string): Promise<GrantRecord | undefined> {
      const raw = await store.get(recordKey(grantId));
      return raw === undefined ? undefined : parseStored(raw, isGrantRecord, recordKey(grantId));
    },

    idsOfCustomer: (customerId: string): Promise<string[]> => liveIds(customerIndexKey(customerId)),
    idsOfPartner: (partnerId: string): Promise<string[]> => liveIds(partnerIndexKey(partnerId)),

    /** Index keys and their members, for store:check. */
    indexPrefixes: { customer: 'idx:grants-by-customer:', partner: 'idx:grants-by-partner:' },
    recordPrefix: 'grant:',
  };
};

export type GrantRecords = ReturnType<typeof createGrantRecords>;
