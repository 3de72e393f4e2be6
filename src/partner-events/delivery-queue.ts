import { createRetryQueue } from '../store/retry-queue.ts';
import type { Store } from '../store/store.ts';
import { isRecord } from '../shared/unknown-json.ts';
import { isGrantRevokedNotice, type GrantRevokedNotice } from './security-event-token.ts';

export type { DueEntry } from '../store/retry-queue.ts';

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

const isPendingDelivery = (value: unknown): value is PendingDelivery =>
  isRecord(value) &&
  isGrantRevokedNotice(value.notice) &&
  typeof value.endpoint === 'string' &&
  typeof value.attempts === 'number' &&
  typeof value.nextAttemptAt === 'number' &&
  (value.lastError === undefined || typeof value.lastError === 'string');

/**
 * The delivery queue of SETs (src/store/retry-queue.ts): each delivery is a key
 * `partner-event:{id}`, the set `partner-events:pending` holds "{dueAt}:{partnerId}:{id}" members
 * (neither a client_id nor a jti, a UUID, contains a colon); the partner is the lane.
 */
export const createDeliveryQueue = (deps: { store: Store; retentionSeconds: number }) =>
  createRetryQueue<PendingDelivery>({
    store: deps.store,
    retentionSeconds: deps.retentionSeconds,
    keys: {
      pending: 'partner-events:pending',
      item: (id) => `partner-event:${id}`,
      lock: (id) => `partner-event-lock:${id}`,
    },
    idOf: (delivery) => delivery.notice.jti,
    laneOf: (delivery) => delivery.notice.partnerId,
    isItem: isPendingDelivery,
  });

export type DeliveryQueue = ReturnType<typeof createDeliveryQueue>;
