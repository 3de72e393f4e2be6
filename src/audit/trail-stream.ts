import type { Store, StreamEntry } from '../store/store.ts';
import { decodeRecordedAuditEvent } from '../shared/audit-event.ts';
import type { RecordedAuditEvent } from './audit-log.ts';

/**
 * Each instance appends its events to a stream of its own, `audit:events:<instance>` (its durable
 * buffer: one write per group commit, no slot shared with other instances on a Cluster). Readers
 * merge every such stream, and the older single stream `audit:events`, into one order.
 */
export const EVENTS_STREAM = 'audit:events';
export const eventsStreamOf = (instance: string): string => `${EVENTS_STREAM}:${instance}`;
/** Signed checkpoints of every chain (./checkpoints.ts). */
export const CHECKPOINTS_STREAM = 'audit:checkpoints';

const PAGE = 500;

/** Entries of a stream in id order, a page at a time; `fromMs`/`toMs` are inclusive id times. */
export async function* readEntries(
  store: Store,
  key: string,
  range: { fromMs?: number; toMs?: number } = {},
): AsyncGenerator<StreamEntry> {
  let after: string | undefined;
  for (;;) {
    const page = await store.readStream(
      key,
      after ? { after, toMs: range.toMs, count: PAGE } : { ...range, count: PAGE },
    );
    yield* page;
    if (page.length < PAGE) return;
    after = page[page.length - 1].id;
  }
}

/** Every stream that holds events (every instance's, and the older shared one). */
export const eventStreams = async (store: Store): Promise<string[]> =>
  (await store.keysWithPrefix(EVENTS_STREAM))
    .filter((k) => k === EVENTS_STREAM || k.startsWith(`${EVENTS_STREAM}:`))
    .sort();

/** "<ms>-<n>" ids in stream order. */
const compareIds = (a: string, b: string): number => {
  const [am, an] = a.split('-').map(Number);
  const [bm, bn] = b.split('-').map(Number);
  return am - bm || an - bn;
};

/** The entries of every event stream, merged in id order (ties: by stream name). */
export async function* readEventEntries(
  store: Store,
  range: { fromMs?: number; toMs?: number } = {},
): AsyncGenerator<StreamEntry & { stream: string }> {
  const streams = await eventStreams(store);
  const cursors = streams.map((stream) => ({ stream, entries: readEntries(store, stream, range) }));
  const heads = await Promise.all(cursors.map((c) => c.entries.next()));
  for (;;) {
    let best = -1;
    let earliest: StreamEntry | undefined;
    for (let i = 0; i < heads.length; i += 1) {
      const head = heads[i];
      if (head.done) continue;
      if (!earliest || compareIds(head.value.id, earliest.id) < 0) {
        best = i;
        earliest = head.value;
      }
    }
    if (!earliest) return;
    yield { ...earliest, stream: cursors[best].stream };
    heads[best] = await cursors[best].entries.next();
  }
}

/** The stored event, or undefined when the entry is not an event any more (someone wrote over it). */
export const decodeEvent = (entry: StreamEntry): RecordedAuditEvent | undefined =>
  decodeRecordedAuditEvent(entry.value);

/** Milliseconds of a stream id ("<ms>-<n>"). */
export const idTime = (id: string): number => Number(id.slice(0, id.indexOf('-')));
