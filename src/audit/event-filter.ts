import type { Store } from '../store/store.ts';
import type { AuditFilter, RecordedAuditEvent } from './audit-log.ts';
import { decodeEvent, readEventEntries } from './trail-stream.ts';

/**
 * How far an event's stream id may run ahead of its own time: an id takes the stream's newest
 * time when the writer's clock is behind another instance's (see Store.appendToStream).
 */
const MAX_CLOCK_SKEW_MS = 60_000;

/** "data.access" matches itself; "identity_check." and "identity_check.*" match the family. */
export const kindMatches = (pattern: string, kind: string): boolean => {
  if (pattern.endsWith('.*')) return kind.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('.')) return kind.startsWith(pattern);
  return kind === pattern;
};

export const grantIdOf = (event: RecordedAuditEvent): string | undefined => {
  const grantId = event.details?.grantId;
  return typeof grantId === 'string' ? grantId : undefined;
};

/**
 * The stored events that match, oldest first. Token issuance and data calls name the grant, not
 * the customer (finding the customer would cost a store read per data call), so a customer filter
 * also takes every event of a grant that an earlier event tied to the customer (the consent):
 * reading for a customer therefore starts at the beginning of the trail, and only yields from
 * `from` on.
 */
export async function* matchingEvents(store: Store, filter: AuditFilter): AsyncGenerator<RecordedAuditEvent> {
  const customerGrants = new Set<string>();
  const range = {
    fromMs: filter.customerId ? undefined : filter.from,
    toMs: filter.to === undefined ? undefined : filter.to + MAX_CLOCK_SKEW_MS,
  };
  let yielded = 0;
  if (filter.limit !== undefined && filter.limit <= 0) return;
  for await (const entry of readEventEntries(store, range)) {
    const event = decodeEvent(entry);
    if (!event) continue;
    const grantId = grantIdOf(event);
    const ownEvent = filter.customerId !== undefined && event.customerId === filter.customerId;
    if (ownEvent && grantId) customerGrants.add(grantId);

    const time = Date.parse(event.time);
    if (filter.from !== undefined && time < filter.from) continue;
    if (filter.to !== undefined && time >= filter.to) continue;
    if (filter.customerId !== undefined && !ownEvent && !(grantId && customerGrants.has(grantId))) continue;
    if (filter.partnerId !== undefined && event.partnerId !== filter.partnerId) continue;
    if (filter.kind !== undefined && !kindMatches(filter.kind, event.kind)) continue;
    if (filter.grantId !== undefined && grantId !== filter.grantId) continue;
    if (filter.result !== undefined && event.result !== filter.result) continue;
    if (filter.sourceAddress !== undefined && event.details?.ip !== filter.sourceAddress) continue;
    if (filter.requestId !== undefined && event.requestId !== filter.requestId) continue;
    yield event;
    yielded += 1;
    if (filter.limit !== undefined && yielded >= filter.limit) return;
  }
}
