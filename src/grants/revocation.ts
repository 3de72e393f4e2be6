import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../shared/clock.ts';
import { createOidcAdapterFactory } from '../store/oidc-adapter.ts';
import type { Store } from '../store/store.ts';
import type { GrantRecord, GrantRecords } from './grant-records.ts';

/** Why a linkage ended; kept after the grant itself is gone, so a refresh can say why it fails. */
export interface GrantEnding {
  grantId: string;
  reason:
    | 'revoked_by_partner' | 'revoked_by_customer' | 'revoked_by_bank' | 'replaced'
    | 'customer_ineligible' | 'partner_removed' | 'revoked_by_protocol' | 'expired';
  actor: string;
  endedAt: number;
  note?: string;
}

const TOMBSTONE_DAYS = 400;
const tombstoneKey = (grantId: string) => `grant-ended:${grantId}`;

/**
 * Ends linkages: the grant, every token issued under it (so a copy of the grant's state on a
 * token is never stale), our record and its index entries, leaving a tombstone that says why.
 * Bulk endings walk the per-customer and per-partner indexes; each grant ends on its own, so a
 * failure half way leaves every grant either whole or ended.
 */
export const createGrantRevocation = (deps: { store: Store; grants: GrantRecords; audit: AuditLog; clock: Clock }) => {
  const oidc = createOidcAdapterFactory(deps.store)('Grant');

  const forget = async (record: Pick<GrantRecord, 'grantId' | 'customerId' | 'partnerId'>, ending: Omit<GrantEnding, 'grantId' | 'endedAt'>) => {
    const full: GrantEnding = { grantId: record.grantId, endedAt: deps.clock.now(), ...ending };
    await deps.store.set(tombstoneKey(record.grantId), JSON.stringify(full), TOMBSTONE_DAYS * 86400);
    await deps.grants.remove(record);
    await deps.audit.record({
      kind: 'grant.ended',
      result: 'success',
      actor: ending.actor,
      partnerId: record.partnerId,
      customerId: record.customerId,
      details: { grantId: record.grantId, reason: ending.reason, ...(ending.note ? { note: ending.note } : {}) },
    });
  };

  const endGrant = async (grantId: string, ending: Omit<GrantEnding, 'grantId' | 'endedAt'>): Promise<boolean> => {
    const record = await deps.grants.find(grantId);
    // Tokens first: once they are gone nothing can use the grant, whatever happens next.
    await oidc.revokeByGrantId(grantId);
    if (!record) return false;
    await forget(record, ending);
    return true;
  };

  return {
    endGrant,
    async endCustomerGrants(customerId: string, ending: Omit<GrantEnding, 'grantId' | 'endedAt'>) {
      const ids = await deps.grants.idsOfCustomer(customerId);
      let ended = 0;
      for (const id of ids) if (await endGrant(id, ending)) ended += 1;
      return ended;
    },
    async endPartnerGrants(partnerId: string, ending: Omit<GrantEnding, 'grantId' | 'endedAt'>) {
      const ids = await deps.grants.idsOfPartner(partnerId);
      let ended = 0;
      for (const id of ids) if (await endGrant(id, ending)) ended += 1;
      return ended;
    },
    /** oidc-provider revoked the grant's tokens itself; finish the job on our side. */
    async afterProviderRevoked(grantId: string, ending: Omit<GrantEnding, 'grantId' | 'endedAt'>) {
      const record = await deps.grants.find(grantId);
      if (record) await forget(record, ending);
    },
    async ending(grantId: string): Promise<GrantEnding | undefined> {
      const raw = await deps.store.get(tombstoneKey(grantId));
      return raw ? (JSON.parse(raw) as GrantEnding) : undefined;
    },
  };
};

export type GrantRevocation = ReturnType<typeof createGrantRevocation>;
