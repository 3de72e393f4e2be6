import type { Store, StreamEntry } from '../store/store.ts';
import type { RecordedAuditEvent } from './audit-log.ts';

/** Every instance appends its events to this one stream, so the trail reads in one order. */
export const EVENTS_STREAM = 'audit:events';
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

/** The stored event, or undefined when the entry is not an event any more (someone wrote over it). */
export const decodeEvent = (entry: StreamEntry): RecordedAuditEvent | undefined => {
  try {
    const event = JSON.parse(entry.value) as RecordedAuditEvent;
    return event && typeof event === 'object' && typeof event.chain === 'string' && Number.isInteger(event.seq)
      ? event
      : undefined;
  } catch {
    return undefined;
  }
};

/** Milliseconds of a stream id ("<ms>-<n>"). */
export const idTime = (id: string): number => Number(id.slice(0, id.indexOf('-')));
