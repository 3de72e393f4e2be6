import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { isCustomerNotice, type CustomerNotice, type CustomerNotifier } from './port.ts';

export interface OutboxEntry {
  id: string;
  notice: CustomerNotice;
}

export interface DemoOutbox extends CustomerNotifier {
  /** The newest notices of every customer, newest first. */
  newest(limit: number): Promise<OutboxEntry[]>;
  /** The newest notices of one customer, newest first. */
  ofCustomer(customerId: string, limit: number): Promise<OutboxEntry[]>;
}

const noticeKey = (id: string) => `outbox:${id}`;
const customerIndexKey = (customerId: string) => `idx:outbox-customer:${customerId}`;
// The demo page lists every customer's notices: one index of all of them.
const ALL_INDEX = 'idx:outbox';

// Ids begin with the time, zero-padded, so that they sort oldest first and say when they expire.
const newId = (at: number) => `${String(at).padStart(15, '0')}-${randomBytes(6).toString('base64url')}`;
const timeOf = (id: string) => Number(id.slice(0, 15));

/**
 * The demo notifier: notices go to an outbox kept in the store, which /demo/outbox shows. Each
 * notice, and each index entry, lasts `retentionDays`; the indexes expire with their newest entry
 * and drop older ids as they are read, so nothing grows without bound.
 */
export const createDemoOutbox = (deps: { store: Store; clock: Clock; retentionDays: number }): DemoOutbox => {
  const ttl = deps.retentionDays * 86400;

  const read = async (indexKey: string, limit: number): Promise<OutboxEntry[]> => {
    const cutoff = deps.clock.now() - ttl * 1000;
    const ids = (await deps.store.setMembers(indexKey)).sort().reverse();
    const expired = ids.filter((id) => !(timeOf(id) > cutoff));
    const wanted = ids.filter((id) => timeOf(id) > cutoff).slice(0, limit);
    const raw = await deps.store.getMany(wanted.map(noticeKey));
    const gone = wanted.filter((_, i) => raw[i] === undefined);
    if (expired.length + gone.length > 0) await deps.store.removeFromSet(indexKey, [...expired, ...gone]);
    // A key holding something else than a notice is shown as if it had gone.
    return wanted.flatMap((id, i) => {
      const notice: unknown = raw[i] === undefined ? undefined : JSON.parse(raw[i]);
      return isCustomerNotice(notice) ? [{ id, notice }] : [];
    });
  };

  return {
    async notify(notice: CustomerNotice): Promise<void> {
      const id = newId(notice.at);
      await deps.store.set(noticeKey(id), JSON.stringify(notice), ttl);
      await deps.store.addToSet(customerIndexKey(notice.customerId), [id], ttl);
      await deps.store.addToSet(ALL_INDEX, [id], ttl);
    },
    newest: (limit: number) => read(ALL_INDEX, limit),
    ofCustomer: (customerId: string, limit: number) => read(customerIndexKey(customerId), limit),
  };
};
