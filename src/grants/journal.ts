import type { Clock } from '../shared/clock.ts';
import { isRecord } from '../shared/unknown-json.ts';
import type { Store } from '../store/store.ts';

/** A making or an ending under way. */
export type JournalEntry =
  { op: 'end'; grantId: string } | { op: 'make'; grantId: string; customerId: string; partnerId: string };

const isJournalEntry = (value: unknown): value is JournalEntry =>
  isRecord(value) &&
  typeof value.grantId === 'string' &&
  (value.op === 'end' ||
    (value.op === 'make' && typeof value.customerId === 'string' && typeof value.partnerId === 'string'));

/** A member as memberOf wrote it; anything else is left for the set's expiry. */
const entryOf = (member: string): JournalEntry[] => {
  try {
    const entry: unknown = JSON.parse(member);
    return isJournalEntry(entry) ? [entry] : [];
  } catch {
    return [];
  }
};

const KEY = 'linkage-journal';
const TTL_SECONDS = 30 * 86400;

/** The member for an entry: always the same text for the same entry, so it can be removed. */
const memberOf = (entry: JournalEntry) =>
  entry.op === 'end'
    ? JSON.stringify({ op: entry.op, grantId: entry.grantId })
    : JSON.stringify({
        op: entry.op,
        grantId: entry.grantId,
        customerId: entry.customerId,
        partnerId: entry.partnerId,
      });

/**
 * The makings and endings of linkages under way, in one sorted set scored by when each began
 * (ms). Each is added before its first write and removed after its last, so an entry older than a
 * few seconds is one a crash or an outage interrupted: the sweeper (linkages.ts) finishes it.
 */
export const createLinkageJournal = (deps: { store: Store; clock: Clock }) => ({
  key: KEY,
  async add(entry: JournalEntry): Promise<void> {
    await deps.store.addToSortedSet(KEY, [{ member: memberOf(entry), score: deps.clock.now() }], TTL_SECONDS);
  },
  async remove(entry: JournalEntry): Promise<void> {
    await deps.store.removeFromSortedSet(KEY, [memberOf(entry)]);
  },
  /** Entries begun at or before `beganBefore` (ms), oldest first. */
  async olderThan(beganBefore: number): Promise<{ entry: JournalEntry; beganAt: number }[]> {
    const members = await deps.store.sortedSetRange(KEY, { max: beganBefore });
    return members.flatMap(({ member, score }) => entryOf(member).map((entry) => ({ entry, beganAt: score })));
  },
});

export type LinkageJournal = ReturnType<typeof createLinkageJournal>;
