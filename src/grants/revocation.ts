import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../shared/clock.ts';
import { createOidcAdapterFactory, oidcKeys } from '../store/oidc-adapter.ts';
import type { Store } from '../store/store.ts';
import type { GrantRecord, GrantRecords } from './grant-records.ts';

/** Why a linkage ended; kept after the grant itself is gone, so a refresh can say why it fails. */
export interface GrantEnding {
  grantId: string;
  reason:
    | 'revoked_by_partner'
    | 'revoked_by_customer'
    | 'revoked_by_bank'
    | 'replaced'
    | 'customer_ineligible'
    | 'partner_removed'
    | 'revoked_by_protocol'
    | 'expired'
    | 'no_accounts_left';
  actor: string;
  endedAt: number;
  note?: string;
  /** Whose linkage it was: lets a later call finish an ending that stopped half way. */
  customerId?: string;
  partnerId?: string;
}

/** What a caller says about an ending; the rest is filled in here. */
export type EndingCause = Pick<GrantEnding, 'reason' | 'actor' | 'note'>;

export type GrantEndingParties = Pick<GrantRecord, 'grantId' | 'customerId' | 'partnerId'>;

/**
 * Told of every ending once the grant's tokens are gone, while its record still exists (partner
 * events, customer notices). It is awaited, so it must be quick — a store write or two, never a
 * network call — and it must not throw; a failure in it is swallowed, never the ending's.
 */
export type GrantEndedListener = (grant: GrantRecord, ending: GrantEnding) => Promise<void>;

const TOMBSTONE_DAYS = 400;
const tombstoneKey = (grantId: string) => `grant-ended:${grantId}`;
/**
 * Grants ended at once by a bulk ending: enough to keep a Redis connection busy, few enough to stay fair to requests.
 */
const BULK_CONCURRENCY = 32;

/**
 * Runs `work` over `items`, `limit` at a time. After a failure no new item starts; those under
 * way finish, then the first error is thrown.
 */
const eachBounded = async <T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) => {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
};

/**
 * Ends linkages: the grant, every token issued under it (so a copy of the grant's state on a
 * token is never stale), our record and its index entries, leaving a tombstone that says why.
 *
 * Each grant ends on its own, in an order that makes a failure half way harmless and a second
 * call finish the job: tokens first (one delete: afterwards nothing can use the grant), then the
 * tombstone (naming customer and partner), the audit event and the listeners, and the record
 * with its index entries last. A record still there means "run the ending again"; a record gone
 * with its tombstone there means only index entries may be left, and they are removed. Bulk
 * endings walk the per-customer and per-partner indexes, BULK_CONCURRENCY grants at a time.
 */
export const createGrantRevocation = (deps: { store: Store; grants: GrantRecords; audit: AuditLog; clock: Clock }) => {
  const oidc = createOidcAdapterFactory(deps.store)('Grant');
  const listeners: GrantEndedListener[] = [];

  const readTombstone = async (grantId: string): Promise<GrantEnding | undefined> => {
    const raw = await deps.store.get(tombstoneKey(grantId));
    return raw ? (JSON.parse(raw) as GrantEnding) : undefined;
  };

  const forget = async (record: GrantRecord, cause: EndingCause) => {
    const full: GrantEnding = {
      ...cause,
      grantId: record.grantId,
      endedAt: deps.clock.now(),
      customerId: record.customerId,
      partnerId: record.partnerId,
    };
    // The tombstone is the claim: when several callers end the same grant at once (oidc-provider
    // revokes a grant model by model), one of them records the ending and tells the listeners.
    const claimed = await deps.store.setIfAbsent(
      tombstoneKey(record.grantId),
      JSON.stringify(full),
      TOMBSTONE_DAYS * 86400,
    );
    if (claimed) {
      await deps.audit.record({
        kind: 'grant.ended',
        result: 'success',
        actor: cause.actor,
        partnerId: record.partnerId,
        customerId: record.customerId,
        details: { grantId: record.grantId, reason: cause.reason, ...(cause.note ? { note: cause.note } : {}) },
      });
      for (const listener of listeners) await listener(record, full).catch(() => undefined);
    }
    await deps.grants.remove(record);
  };

  /** An earlier ending stopped after deleting the record: its index entries may be left. */
  const finishEarlierEnding = async (grantId: string) => {
    const tombstone = await readTombstone(grantId);
    if (tombstone?.customerId && tombstone.partnerId)
      await deps.grants.remove({ grantId, customerId: tombstone.customerId, partnerId: tombstone.partnerId });
  };

  const endGrant = async (grantId: string, cause: EndingCause): Promise<boolean> => {
    const record = await deps.grants.find(grantId);
    // Tokens first: once they are gone nothing can use the grant, whatever happens next.
    await oidc.revokeByGrantId(grantId);
    if (!record) {
      await finishEarlierEnding(grantId);
      return false;
    }
    await forget(record, cause);
    return true;
  };

  const endAll = async (ids: readonly string[], cause: EndingCause) => {
    let ended = 0;
    await eachBounded(ids, BULK_CONCURRENCY, async (id) => {
      if (await endGrant(id, cause)) ended += 1;
    });
    return ended;
  };

  return {
    endGrant,
    /** Answers how many grants this call ended. */
    async endCustomerGrants(customerId: string, cause: EndingCause) {
      return endAll(await deps.grants.idsOfCustomer(customerId), cause);
    },
    /** Answers how many grants this call ended. */
    async endPartnerGrants(partnerId: string, cause: EndingCause) {
      return endAll(await deps.grants.idsOfPartner(partnerId), cause);
    },
    /** Adds a listener told of every ending from now on (see GrantEndedListener). */
    onEnded(listener: GrantEndedListener) {
      listeners.push(listener);
    },
    /**
     * Deletes every token of a grant but keeps the linkage: its scopes or accounts are about to
     * change (Grant Management `replace`), and tokens carry a copy of them.
     */
    async revokeTokens(grantId: string) {
      await oidc.revokeByGrantId(grantId);
    },
    /**
     * A customer has at most one live linkage per partner: a new one ends the others (their
     * tokens with them).
     */
    async endEarlierLinkages(record: Pick<GrantRecord, 'grantId' | 'customerId' | 'partnerId'>) {
      for (const id of await deps.grants.idsOfCustomer(record.customerId)) {
        if (id === record.grantId) continue;
        const other = await deps.grants.find(id);
        if (other?.partnerId === record.partnerId)
          await endGrant(id, { reason: 'replaced', actor: 'customer', note: `replaced by ${record.grantId}` });
      }
    },
    /**
     * An account was frozen or closed: it drops out of every linkage that covers it. Access tokens
     * carry a copy of the accounts, so the grant's access tokens go (its refresh token stays, and
     * the next refresh issues tokens without the account); a linkage left with no account ends.
     */
    async dropAccount(customerId: string, accountId: string, actor: string) {
      let changed = 0;
      for (const id of await deps.grants.idsOfCustomer(customerId)) {
        const record = await deps.grants.find(id);
        if (!record?.accountIds.includes(accountId)) continue;
        changed += 1;
        const remaining = record.accountIds.filter((a) => a !== accountId);
        if (remaining.length === 0) {
          await endGrant(id, { reason: 'no_accounts_left', actor, note: `account ${accountId} closed or frozen` });
          continue;
        }
        await deps.grants.save({ ...record, accountIds: remaining });
        const index = oidcKeys.grant(id);
        const accessTokens = (await deps.store.setMembers(index)).filter((k) =>
          k.startsWith(oidcKeys.model('AccessToken', '')),
        );
        if (accessTokens.length) {
          await deps.store.del(accessTokens);
          await deps.store.removeFromSet(index, accessTokens);
        }
        await deps.audit.record({
          kind: 'grant.account_removed',
          result: 'success',
          actor,
          partnerId: record.partnerId,
          customerId,
          accountIds: [accountId],
          details: { grantId: id },
        });
      }
      return changed;
    },
    /** oidc-provider revoked the grant's tokens itself; finish the job on our side. */
    async afterProviderRevoked(grantId: string, cause: EndingCause) {
      const record = await deps.grants.find(grantId);
      if (record) await forget(record, cause);
      else await finishEarlierEnding(grantId);
    },
    ending: readTombstone,
  };
};

export type GrantRevocation = ReturnType<typeof createGrantRevocation>;
