import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

/** A making or an ending under way. */
export type JournalEntry =
  { op: 'end'; grantId: string } | { op: 'make'; grantId: string; customerId: string; partnerId: string };

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
    return members.map(({ member, score }) => ({ entry: JSON.parse(member) as JournalEntry, beganAt: score }));
  },
});

export type LinkageJournal = ReturnType<typeof createLinkageJournal>;
