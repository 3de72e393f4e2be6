import type { AuditLog } from '../audit/audit-log.ts';
import type { Clock } from '../shared/clock.ts';
import type { OidcStore } from '../store/oidc-adapter.ts';
import { tagged, type Store } from '../store/store.ts';
import { isOptional, isRecord } from '../shared/unknown-json.ts';
import { isGrantRecord, type GrantParties, type GrantRecord, type GrantRecords } from './grant-records.ts';
import type { LinkageJournal } from './journal.ts';
import { lastUsedDelete } from './last-used.ts';
import { parseStored } from './stored-json.ts';

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
  /** Whose linkage it was. */
  customerId?: string;
  partnerId?: string;
}

/** Every ending reason (the Record makes the compiler hold the list to the union). */
const ENDING_REASONS: Record<GrantEnding['reason'], true> = {
  revoked_by_partner: true,
  revoked_by_customer: true,
  revoked_by_bank: true,
  replaced: true,
  customer_ineligible: true,
  partner_removed: true,
  revoked_by_protocol: true,
  expired: true,
  no_accounts_left: true,
};

/** Whether a value read back from the store is one of the ending reasons. */
export const isEndingReason = (value: unknown): value is GrantEnding['reason'] =>
  typeof value === 'string' && Object.hasOwn(ENDING_REASONS, value);

/** What a caller says about an ending; the rest is filled in here. */
export type EndingCause = Pick<GrantEnding, 'reason' | 'actor' | 'note'>;

export type GrantEndingParties = GrantParties;

/** The tombstone as stored: the ending, and while it is under way, the record it ends. */
interface Tombstone extends GrantEnding {
  stage: 'ending' | 'done';
  record?: GrantRecord;
}

const isTombstone = (value: unknown): value is Tombstone =>
  isRecord(value) &&
  typeof value.grantId === 'string' &&
  isEndingReason(value.reason) &&
  typeof value.actor === 'string' &&
  typeof value.endedAt === 'number' &&
  isOptional(value.note, 'string') &&
  isOptional(value.customerId, 'string') &&
  isOptional(value.partnerId, 'string') &&
  (value.stage === 'ending' || value.stage === 'done') &&
  (value.record === undefined || isGrantRecord(value.record));

/**
 * Told of every ending once the grant's tokens are gone, while its record still exists (partner
 * events, customer notices). It is awaited, so it must be quick — a store write or two, never a
 * network call — and it must not throw; a failure in it is swallowed, never the ending's.
 */
export type GrantEndedListener = (grant: GrantRecord, ending: GrantEnding) => Promise<void>;

const TOMBSTONE_DAYS = 400;
/** In the grant's hash slot: the ending's last write sets it to "done" with the record's deletion. */
const tombstoneKey = (grantId: string) => `grant-ended:${tagged(grantId)}`;
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

const publicEnding = (t: Tombstone): GrantEnding => {
  const { stage: _stage, record: _record, ...ending } = t;
  return ending;
};

/**
 * Ends linkages: the grant, every token issued under it (so a copy of the grant's state on a
 * token is never stale), our record, its index entries and its last-used time, leaving a
 * tombstone that says why. Internal to src/grants/: surfaces call linkages.ts.
 *
 * An ending, once begun, always completes. It is begun by a journal entry and then the tombstone
 * (stage "ending", with a copy of the record): from then on the linkage counts as ended (refresh
 * and the grant's pages read the tombstone) and every step after it is idempotent — tokens deleted,
 * the audit event and the listeners, index entries removed, and last, in one script of the
 * grant's hash slot, the record, the Grant and its token index deleted with the tombstone set to
 * "done". A crash or outage in between leaves the journal entry; the sweeper (linkages.ts) finds
 * it and finishes, as does ending the linkage again once `resumeAfterMs` has passed. A failure
 * before the tombstone means the ending never began: the caller gets the error (503), never a
 * success.
 */
export const createGrantRevocation = (deps: {
  store: Store;
  grants: GrantRecords;
  oidc: OidcStore;
  journal: LinkageJournal;
  audit: AuditLog;
  clock: Clock;
  /** An ending under way for longer than this is taken over by whoever ends the linkage again. */
  resumeAfterMs: number;
}) => {
  const { store, grants, oidc, journal } = deps;
  const listeners: GrantEndedListener[] = [];

  const readTombstone = async (grantId: string): Promise<Tombstone | undefined> => {
    const raw = await store.get(tombstoneKey(grantId));
    return raw ? parseStored(raw, isTombstone, tombstoneKey(grantId)) : undefined;
  };

  /** Everything after the tombstone; safe to run again, by anyone, at any point. */
  const finish = async (tombstone: Tombstone, announce: boolean) => {
    const { grantId } = tombstone;
    // Tokens first: once they are gone nothing can use the grant, whatever happens next.
    await oidc.revokeTokensOfGrant(grantId);
    const record = tombstone.record;
    if (announce && record) {
      const ending = publicEnding(tombstone);
      await deps.audit.record({
        kind: 'grant.ended',
        result: 'success',
        actor: ending.actor,
        partnerId: record.partnerId,
        customerId: record.customerId,
        details: { grantId, reason: ending.reason, ...(ending.note ? { note: ending.note } : {}) },
      });
      for (const listener of listeners) await listener(record, ending).catch(() => undefined);
    }
    if (tombstone.customerId && tombstone.partnerId) {
      await grants.removeFromIndexes({
        grantId,
        customerId: tombstone.customerId,
        partnerId: tombstone.partnerId,
      });
    }
    const done: Tombstone = { ...publicEnding(tombstone), stage: 'done' };
    await store.writeTogether([
      grants.recordDelete(grantId),
      ...oidc.grantDeletes(grantId),
      lastUsedDelete(grantId),
      { op: 'set', key: tombstoneKey(grantId), value: JSON.stringify(done), ttlSeconds: TOMBSTONE_DAYS * 86400 },
    ]);
    await journal.remove({ op: 'end', grantId });
  };

  /**
   * Ends one linkage; answers whether this call began its ending. A linkage already ending is
   * only helped along (its tokens deleted); the caller that began it, or the sweeper, finishes it.
   */
  const endGrant = async (grantId: string, cause: EndingCause): Promise<boolean> => {
    const existing = await readTombstone(grantId);
    if (existing?.stage === 'ending' && existing.endedAt <= deps.clock.now() - deps.resumeAfterMs) {
      // Its caller stopped (a crash, an outage): this call finishes it, as the sweeper would.
      await finish(existing, true);
      return true;
    }
    if (existing) {
      if (existing.stage === 'ending') await oidc.revokeTokensOfGrant(grantId);
      return false;
    }
    const record = await grants.find(grantId);
    if (!record) {
      // Nothing of ours to end; oidc-provider may still hold tokens of a grant we never recorded.
      await oidc.revokeTokensOfGrant(grantId);
      return false;
    }
    await journal.add({ op: 'end', grantId });
    const tombstone: Tombstone = {
      ...cause,
      grantId,
      endedAt: deps.clock.now(),
      customerId: record.customerId,
      partnerId: record.partnerId,
      stage: 'ending',
      record,
    };
    // The tombstone is the claim: when several callers end the same grant at once (oidc-provider
    // revokes a grant model by model), one of them records the ending and tells the listeners.
    const claimed = await store.setIfAbsent(tombstoneKey(grantId), JSON.stringify(tombstone), TOMBSTONE_DAYS * 86400);
    if (!claimed) {
      await oidc.revokeTokensOfGrant(grantId);
      return false;
    }
    await finish(tombstone, true);
    return true;
  };

  /** Finishes an ending that stopped after its tombstone (the sweeper); answers whether one was left. */
  const resume = async (grantId: string): Promise<boolean> => {
    const tombstone = await readTombstone(grantId);
    if (tombstone?.stage !== 'ending') {
      // Never begun (the journal entry was all), or finished before its entry was removed.
      await journal.remove({ op: 'end', grantId });
      return false;
    }
    await finish(tombstone, true);
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
    resume,
    /** Answers how many grants this call ended. */
    async endCustomerGrants(customerId: string, cause: EndingCause) {
      return endAll(await grants.idsOfCustomer(customerId), cause);
    },
    /** Answers how many grants this call ended. */
    async endPartnerGrants(partnerId: string, cause: EndingCause) {
      return endAll(await grants.idsOfPartner(partnerId), cause);
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
      await oidc.revokeTokensOfGrant(grantId);
    },
    /**
     * A customer has at most one live linkage per partner: a new one ends the others (their
     * tokens with them).
     */
    async endEarlierLinkages(record: GrantParties) {
      for (const id of await grants.idsOfCustomer(record.customerId)) {
        if (id === record.grantId) continue;
        const other = await grants.find(id);
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
      for (const id of await grants.idsOfCustomer(customerId)) {
        const record = await grants.find(id);
        if (!record?.accountIds.includes(accountId)) continue;
        changed += 1;
        const remaining = record.accountIds.filter((a) => a !== accountId);
        if (remaining.length === 0) {
          await endGrant(id, { reason: 'no_accounts_left', actor, note: `account ${accountId} closed or frozen` });
          continue;
        }
        await grants.update({ ...record, accountIds: remaining });
        await oidc.revokeTokensOfGrant(id, ['AccessToken']);
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
      await endGrant(grantId, cause);
    },
    /** Why a linkage ended (also while its ending is under way), or undefined for one not ended. */
    async ending(grantId: string): Promise<GrantEnding | undefined> {
      const tombstone = await readTombstone(grantId);
      return tombstone && publicEnding(tombstone);
    },
    /** Whether an ending is under way (store:check); undefined when none was begun. */
    async stageOf(grantId: string): Promise<Tombstone['stage'] | undefined> {
      return (await readTombstone(grantId))?.stage;
    },
    tombstonePrefix: 'grant-ended:',
  };
};

export type GrantRevocation = ReturnType<typeof createGrantRevocation>;
