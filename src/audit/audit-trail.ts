import type { Clock } from '../shared/clock.ts';
import { noDeadlines, type Deadlines } from '../shared/deadline.ts';
import { redact, type Logger } from '../shared/logger.ts';
import type { AuditArchiver } from '../records/audit-archiver.ts';
import type { AuditSearch, RecordStore } from '../records/record-store.ts';
import { StoreUnavailableError, type Store } from '../store/store.ts';
import type { AuditEvent, AuditFilter, AuditTrail, RecordedAuditEvent } from './audit-log.ts';
import type { CheckpointSigner } from './checkpoints.ts';
import { matchingEvents } from './event-filter.ts';
import { formatEvents } from './export-format.ts';
import { createEventIds, emptyChain, link, newChainName, type ChainHead } from './hash-chain.ts';
import { CHECKPOINTS_STREAM, EVENTS_STREAM } from './trail-stream.ts';

export interface AuditTrailSettings {
  retentionDays: number;
  checkpointEveryEvents: number;
  checkpointEverySeconds: number;
  /** Group commit: events recorded within this many ms of each other go to the store in one write. */
  flushEveryMs?: number;
}

export interface AuditTrailDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  instance: string;
  settings: AuditTrailSettings;
  signer: CheckpointSigner;
  /** Off in tests that write checkpoints themselves; on by default. */
  checkpointTimer?: boolean;
  /** A request's `record` gives up (503) when its request's deadline passes before the event is stored. */
  deadlines?: Deadlines;
  /**
   * Where the trail is read from once archived (src/records): with them, reads drain the buffer
   * into the record store first and search there; without, reads scan the store's stream.
   */
  records?: { store: RecordStore; archiver: AuditArchiver };
}

const DAY_MS = 86_400_000;
/** Events written in one store round trip at most. */
const MAX_BATCH = 200;

const DEFAULT_FLUSH_EVERY_MS = 5;

type Pending = {
  event: Omit<RecordedAuditEvent, 'chain' | 'seq' | 'prev' | 'prevTime'>;
  resolve: () => void;
  reject: (e: unknown) => void;
  /** Its caller stopped waiting (deadline): not written, its request answered 503. */
  abandoned: boolean;
};

/**
 * The durable audit trail. Every event goes to the store's `audit:events` stream (Redis Streams
 * on Redis; in memory on the embedded store) and, as a JSON line, to the log for shipping.
 *
 * Tamper evidence with several instances writing at once: each process run keeps its own hash
 * chain (seq + the SHA-256 of its previous event), and every `checkpointEveryEvents` events or
 * `checkpointEverySeconds` seconds, and at close, signs a checkpoint fixing the chain's length and
 * head hash. `npm run audit:verify` (./verify-trail.ts) checks the chains against them.
 *
 * Writes are serialised per process (a chain needs its order) but batched: events recorded while
 * a write is under way go out together in the next one. `record` resolves once the event is
 * stored; when the store fails it rejects, and the chain starts afresh under a new name, since a
 * write that timed out may or may not have happened.
 */
export const createAuditTrail = (deps: AuditTrailDeps): AuditTrail => {
  const { store, logger, clock, settings, signer } = deps;
  const deadlines = deps.deadlines ?? noDeadlines;
  // One buffer stream for every instance, as the archiver (src/records) drains it today.
  const stream = EVENTS_STREAM;
  const flushEveryMs = settings.flushEveryMs ?? DEFAULT_FLUSH_EVERY_MS;
  const retentionMs = settings.retentionDays * DAY_MS;
  const queue: Pending[] = [];
  const listeners: ((event: RecordedAuditEvent) => void)[] = [];
  let head: ChainHead = emptyChain(newChainName(deps.instance));
  let checkpointed = { seq: 0, at: clock.now() };
  let tail: Promise<unknown> = Promise.resolve();
  let scheduled = false;
  const nextId = createEventIds();

  /** Runs tasks one after another: event writes and checkpoints never overlap. */
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };

  const writeCheckpoint = async () => {
    if (head.seq === checkpointed.seq) return;
    const now = clock.now();
    const jws = await signer.sign({
      chain: head.chain,
      instance: deps.instance,
      seq: head.seq,
      head: head.hash,
      headTime: head.time,
      time: new Date(now).toISOString(),
    });
    await store.appendToStream(CHECKPOINTS_STREAM, [{ atMs: now, value: jws }], now - retentionMs);
    checkpointed = { seq: head.seq, at: now };
  };

  const checkpointDue = () =>
    head.seq > checkpointed.seq &&
    (head.seq - checkpointed.seq >= settings.checkpointEveryEvents ||
      clock.now() - checkpointed.at >= settings.checkpointEverySeconds * 1000);

  const writeBatch = async (all: Pending[]) => {
    const batch = all.filter((p) => !p.abandoned);
    // Their requests already answered 503; the log line still tells what was attempted.
    for (const p of all)
      if (p.abandoned) logger.error('audit event not stored', { audit: p.event, error: 'request deadline passed' });
    if (batch.length === 0) return;
    let next = head;
    const linked = batch.map((p) => {
      const step = link(next, p.event);
      next = step.head;
      return step.event;
    });
    try {
      const now = clock.now();
      await store.appendToStream(
        stream,
        linked.map((e) => ({ atMs: Date.parse(e.time), value: JSON.stringify(e) })),
        now - retentionMs,
      );
    } catch (error) {
      // The log line still ships the event; the chain goes on under a new name.
      for (const e of linked) logger.error('audit event not stored', { audit: e, error: (error as Error).message });
      head = emptyChain(newChainName(deps.instance));
      checkpointed = { seq: 0, at: clock.now() };
      for (const p of batch) p.reject(error);
      return;
    }
    head = next;
    for (const e of linked) {
      logger.info('audit', { audit: e });
      for (const listener of listeners) {
        try {
          listener(e);
        } catch (error) {
          logger.warn('an audit listener failed', { error: (error as Error).message });
        }
      }
    }
    for (const p of batch) p.resolve();
    if (checkpointDue())
      await writeCheckpoint().catch((error) =>
        logger.warn('audit checkpoint not written', { error: (error as Error).message }),
      );
  };

  // Group commit. The write runs outside any request's context: it carries the events of many
  // requests, and is bounded by the store's own timeouts, not by the first request's deadline.
  let timerHandle: NodeJS.Timeout | undefined;
  const writeQueued = () => {
    timerHandle = undefined;
    return serial(async () => {
      scheduled = false;
      await writeBatch(queue.splice(0, MAX_BATCH));
      if (queue.length > 0) schedule();
    });
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    deadlines.detached(() => {
      timerHandle = setTimeout(() => void writeQueued(), flushEveryMs);
    });
  };

  const flush = async () => {
    while (queue.length > 0 || scheduled) {
      if (!scheduled) schedule();
      if (timerHandle) {
        clearTimeout(timerHandle);
        await deadlines.detached(writeQueued);
      } else await serial(async () => undefined);
    }
    await serial(async () => undefined);
  };

  const timer =
    deps.checkpointTimer === false
      ? undefined
      : setInterval(
          () => {
            if (checkpointDue())
              serial(writeCheckpoint).catch((error) =>
                logger.warn('audit checkpoint not written', { error: (error as Error).message }),
              );
          },
          Math.min(settings.checkpointEverySeconds, 10) * 1000,
        );
  timer?.unref();

  const toSearch = (filter: AuditFilter): AuditSearch => {
    const { limit: _limit, ...search } = filter;
    return search;
  };

  const events = async function* (filter: AuditFilter): AsyncGenerator<RecordedAuditEvent> {
    await flush();
    if (!deps.records) {
      yield* matchingEvents(store, filter);
      return;
    }
    await deps.records.archiver.drain();
    if (filter.limit !== undefined && filter.limit <= 0) return;
    let yielded = 0;
    for await (const event of deps.records.store.streamAudit(toSearch(filter))) {
      yield event;
      yielded += 1;
      if (filter.limit !== undefined && yielded >= filter.limit) return;
    }
  };

  return {
    record(event: AuditEvent) {
      // Time and order are fixed now, in the caller's turn; the write follows. The same redaction
      // as the log's, so that the stored event and the log line never differ.
      const now = clock.now();
      const recorded = JSON.parse(
        JSON.stringify(
          redact({ ...event, id: nextId(now), time: new Date(now).toISOString(), instance: deps.instance }),
        ),
      ) as Pending['event'];
      let pending!: Pending;
      const stored = new Promise<void>((resolve, reject) => {
        pending = { event: recorded, resolve, reject, abandoned: false };
        queue.push(pending);
      });
      schedule();
      return deadlines.within(stored, () => {
        pending.abandoned = true;
        return new StoreUnavailableError('the audit event was not stored within the deadline');
      });
    },
    async query(filter) {
      const out: RecordedAuditEvent[] = [];
      for await (const event of events(filter)) out.push(event);
      return out;
    },
    events,
    exportEvents: (filter, format) => formatEvents(events(filter), format),
    async search(filter, page) {
      if (!deps.records) throw new Error('searching the audit trail needs a record store');
      await flush();
      await deps.records.archiver.drain();
      return deps.records.store.searchAudit(toSearch(filter), page);
    },
    onRecorded(listener) {
      listeners.push(listener);
    },
    flush,
    checkpoint: () => serial(writeCheckpoint),
    async close() {
      if (timer) clearInterval(timer);
      await flush();
      await serial(writeCheckpoint).catch((error) =>
        logger.warn('audit checkpoint not written at shutdown', { error: (error as Error).message }),
      );
    },
  };
};
