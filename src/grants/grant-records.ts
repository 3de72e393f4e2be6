import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

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

const recordKey = (grantId: string) => `grant:${grantId}`;
const customerIndexKey = (customerId: string) => `idx:customer-grants:${customerId}`;
const partnerIndexKey = (partnerId: string) => `idx:partner-grants:${partnerId}`;

export const createGrantRecords = (deps: { store: Store; clock: Clock }) => {
  const { store, clock } = deps;
  const ttlOf = (record: GrantRecord) => Math.max(1, Math.ceil((record.expiresAt - clock.now()) / 1000));

  return {
    async save(record: GrantRecord): Promise<void> {
      const ttl = ttlOf(record);
      await store.set(recordKey(record.grantId), JSON.stringify(record), ttl);
      await store.addToSet(customerIndexKey(record.customerId), [record.grantId], ttl);
      await store.addToSet(partnerIndexKey(record.partnerId), [record.grantId], ttl);
    },

    async bindKey(grantId: string, jkt: string): Promise<void> {
      const record = await this.find(grantId);
      if (record && !record.jkt) await store.set(recordKey(grantId), JSON.stringify({ ...record, jkt }), ttlOf(record));
    },

    async find(grantId: string): Promise<GrantRecord | undefined> {
      const raw = await store.get(recordKey(grantId));
      return raw === undefined ? undefined : (JSON.parse(raw) as GrantRecord);
    },

    async remove(record: Pick<GrantRecord, 'grantId' | 'customerId' | 'partnerId'>): Promise<void> {
      await store.del([recordKey(record.grantId)]);
      await store.removeFromSet(customerIndexKey(record.customerId), [record.grantId]);
      await store.removeFromSet(partnerIndexKey(record.partnerId), [record.grantId]);
    },

    async idsOfCustomer(customerId: string): Promise<string[]> {
      return store.setMembers(customerIndexKey(customerId));
    },

    async idsOfPartner(partnerId: string): Promise<string[]> {
      return store.setMembers(partnerIndexKey(partnerId));
    },
  };
};

export type GrantRecords = ReturnType<typeof createGrantRecords>;
