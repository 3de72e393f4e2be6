import type { Store } from '../store/store.ts';
import type { GrantRevokedNotice } from './security-event-token.ts';

/** A SET waiting to reach a partner, as the store keeps it. */
export interface PendingDelivery {
  notice: GrantRevokedNotice;
  /** The endpoint when it was queued; the partner's current one wins when it still has one. */
  endpoint: string;
  attempts: number;
  /** ms since the epoch (the injected clock). */
  nextAttemptAt: number;
  lastError?: string;
}

/** A member of the pending set: the delivery's due time and partner travel with its id. */
export interface DueEntry {
  id: string;
  partnerId: string;
  dueAt: number;
  member: string;
}

const PENDING = 'partner-events:pending';
const deliveryKey = (id: string) => `partner-event:${id}`;
const lockKey = (id: string) => `partner-event-lock:${id}`;

// Neither a client_id nor a jti (a UUID) contains a colon.
const memberOf = (delivery: PendingDelivery) =>
  `${delivery.nextAttemptAt}:${delivery.notice.partnerId}:${delivery.notice.jti}`;
const parseMember = (member: string): DueEntry | undefined => {
  const [at, partnerId, id, ...rest] = member.split(':');
  const dueAt = Number(at);
  return partnerId && id && rest.length === 0 && Number.isFinite(dueAt) ? { id, partnerId, dueAt, member } : undefined;
};

/**
 * The delivery queue, on plain keys and one set so that it works alike on every store: each
 * delivery is a key `partner-event:{id}`, and the set `partner-events:pending` holds
 * "{dueAt}:{partnerId}:{id}" members — a sorted set in all but name: finding what is due reads
 * that one set and no delivery that is not due. The delivery's own `nextAttemptAt` is the truth:
 * a member whose time differs from it is stale (left by a crash between two writes) and is
 * dropped when met. Everything expires `retentionSeconds` after its last write, so nothing
 * outlives the retry schedule.
 */
export const createDeliveryQueue = (deps: { store: Store; retentionSeconds: number }) => {
  const { store, retentionSeconds } = deps;

  const write = (id: string, delivery: PendingDelivery) =>
    store.set(deliveryKey(id), JSON.stringify(delivery), retentionSeconds);

  return {
    /** Two writes: the delivery, then its entry in the pending set. */
    async enqueue(delivery: PendingDelivery): Promise<void> {
      const id = delivery.notice.jti;
      await write(id, delivery);
      await store.addToSet(PENDING, [memberOf(delivery)], retentionSeconds);
    },

    /** Entries due at `now`, earliest first. */
    async due(now: number): Promise<DueEntry[]> {
      const entries = (await store.setMembers(PENDING))
        .map(parseMember)
        .filter((e): e is DueEntry => e !== undefined && e.dueAt <= now);
      return entries.sort((a, b) => a.dueAt - b.dueAt);
    },

    async read(id: string): Promise<PendingDelivery | undefined> {
      const raw = await store.get(deliveryKey(id));
      return raw === undefined ? undefined : (JSON.parse(raw) as PendingDelivery);
    },

    /** Only one sender at a time, across instances; the lock outlives a send by a margin, then frees itself. */
    claim: (id: string, seconds: number) => store.setIfAbsent(lockKey(id), '1', seconds),
    release: async (id: string) => {
      await store.del([lockKey(id)]);
    },

    /**
     * Moves a delivery to a later time. The new member goes in before the delivery changes and the
     * old one goes last, so a crash in between never leaves the delivery without a current member.
     */
    async reschedule(entry: DueEntry, delivery: PendingDelivery): Promise<void> {
      await store.addToSet(PENDING, [memberOf(delivery)], retentionSeconds);
      await write(entry.id, delivery);
      await store.removeFromSet(PENDING, [entry.member]);
    },

    /** Done with a delivery (sent, refused or given up): the key first, then its member. */
    async remove(entry: DueEntry): Promise<void> {
      await store.del([deliveryKey(entry.id)]);
      await store.removeFromSet(PENDING, [entry.member]);
    },

    /** A member that no longer matches its delivery. */
    dropMember: (entry: DueEntry) => store.removeFromSet(PENDING, [entry.member]),
  };
};

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
