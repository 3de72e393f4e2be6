import type { Clock } from '../shared/clock.ts';
import { noDeadlines, type Deadlines } from '../shared/deadline.ts';
import { redact, type Logger } from '../shared/logger.ts';
import { isStampedAuditEvent, type StampedAuditEvent } from '../shared/audit-event.ts';
import { messageOf } from '../shared/thrown.ts';
import type { AuditArchiver } from '../records/audit-archiver.ts';
import type { AuditSearch, RecordStore } from '../records/record-store.ts';
import { StoreUnavailableError, type Store } from '../store/store.ts';
import type { AuditEvent, AuditFilter, AuditTrail, RecordedAuditEvent } from './audit-log.ts';
import type { CheckpointSigner } from './checkpoints.ts';
import { matchingEvents } from './event-filter.ts';
import { formatEvents } from './export-format.ts';
import {
  createEventIds,
  emptyChain,
  linkSerialised,
  newChainName,
  serialiseEvent,
  type ChainHead,
  type SerialisedEvent,
} from './hash-chain.ts';
import { CHECKPOINTS_STREAM, eventsStreamOf } from './trail-stream.ts';

export interface AuditTrailSettings {
  retentionDays: number;
  checkpointEveryEvents: number;
  checkpointEverySeconds: number;
  /** Group commit: events recorded within this many ms of each other go to the store in one write. */
  flushEveryMs?: number;
  /** The bound of the buffer (see ./settings-schema.ts); only with a durable record store. */
  buffer?: { hours: number; peakEventsPerSecond: number; reservedShare: number };
}

/** How full this instance's buffer is (metrics, readiness). */
export interface AuditBufferStatus {
  /** Events in the buffer as of the last write (or check). */
  length: number;
  /** The bound: no event is buffered beyond it. */
  capacity: number;
  /** Data calls are refused from here on; the rest is the reserved headroom. */
  dataLimit: number;
  /** Data calls are being refused (503) because the buffer reached dataLimit. */
  refusing: boolean;
}

/** The kinds of the flood: data calls are refused first, keeping the headroom for everything else. */
const BULK_KINDS = new Set(['data.access']);

export interface AuditTrailDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  instance: string;
  settings: AuditTrailSettings;
  signer: CheckpointSigner;
  /** Off in tests that write checkpoints themselves: start() then starts no timer. On by default. */
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

const DEFAULT_FLUSH_EVERY_MS = 0;

type Pending = {
  event: StampedAuditEvent;
  /** The event serialised once, in the caller's turn; linking splices the chain's members in. */
  members: SerialisedEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
  /** Its caller stopped waiting (deadline): not written, its request answered 503. */
  abandoned: boolean;
};

/**
 * The durable audit trail. Every event goes to this instance's stream `audit:events:<instance>`
 * (Redis Streams on Redis; in memory on the embedded store) and, as a JSON line, to the log for
 * shipping. The event is serialised once, when it is recorded: that text is what the stream holds,
 * what the chain hashes and what the record store keeps.
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
 *
 * With a durable record store the stream is a buffer the archiver empties, bounded by
 * settings.buffer: a data call whose event would go beyond the bound's data share is refused at
 * once (503), while other events may use the reserved rest.
 */
export const createAuditTrail = (deps: AuditTrailDeps): AuditTrail => {
  const { store, logger, clock, settings, signer } = deps;
  const deadlines = deps.deadlines ?? noDeadlines;
  // A stream per instance: one group commit is one write to it, and no slot is shared on a Cluster.
  const stream = eventsStreamOf(deps.instance);
  const flushEveryMs = settings.flushEveryMs ?? DEFAULT_FLUSH_EVERY_MS;
  const retentionMs = settings.retentionDays * DAY_MS;
  const queue: Pending[] = [];
  const listeners: ((event: RecordedAuditEvent) => void)[] = [];
  let head: ChainHead = emptyChain(newChainName(deps.instance));
  let checkpointed = { seq: 0, at: clock.now() };
  let tail: Promise<unknown> = Promise.resolve();
  let scheduled = false;
  const nextId = createEventIds();

  // The buffer's bound (with a durable record store only: otherwise the stream is the trail itself).
  const bound =
    deps.records?.store.durable && settings.buffer
      ? (() => {
          const capacity = Math.max(1, Math.ceil(settings.buffer.hours * 3600 * settings.buffer.peakEventsPerSecond));
          return { capacity, dataLimit: Math.floor(capacity * (1 - settings.buffer.reservedShare)) };
        })()
      : undefined;
  /** The stream's length as the last write (or check) saw it, and the events on their way into it. */
  let buffered = 0;
  let inFlight = 0;
  let refusing = false;
  let checking: Promise<void> | undefined;
  const noteLength = (n: number) => {
    buffered = Math.max(0, n);
    if (refusing && bound && buffered + queue.length + inFlight < bound.dataLimit) {
      refusing = false;
      logger.info('the audit buffer has room again: data calls are served', { length: n });
      void record({ kind: 'audit.buffer_resumed', result: 'success', details: { length: n } }).catch(() => {});
    }
  };
  // The archiver tells what it removed; a sweep by another instance shows at the next write or check.
  if (bound)
    deps.records?.archiver.onTrimmed((key, n) => {
      if (key === stream) noteLength(buffered - n);
    });
  /** While refusing, the archiver empties the buffer without this writer seeing it: look again (one at a time). */
  const checkLength = () => {
    checking ??= deadlines
      .detached(() => store.streamLength(stream))
      .then(noteLength, () => undefined)
      .finally(() => {
        checking = undefined;
      });
  };

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
    const texts: string[] = [];
    const linked = batch.map((p) => {
      const step = linkSerialised(next, p.event, p.members);
      next = step.head;
      texts.push(step.text);
      return step.event;
    });
    inFlight = batch.length;
    try {
      const now = clock.now();
      const written = store.appendToStream(
        stream,
        linked.map((e, i) => ({ atMs: Date.parse(e.time), value: texts[i] })),
        now - retentionMs,
      );
      // Sent right behind the write, on the same connection: no extra wait.
      const length = bound ? store.streamLength(stream) : undefined;
      length?.catch(() => undefined);
      await written;
      inFlight = 0;
      if (length) noteLength(await length.catch(() => buffered + batch.length));
    } catch (error) {
      inFlight = 0;
      // The log line still ships the event; the chain goes on under a new name.
      for (const e of linked) logger.error('audit event not stored', { audit: e, error: messageOf(error) });
      head = emptyChain(newChainName(deps.instance));
      checkpointed = { seq: 0, at: clock.now() };
      for (const p of batch) p.reject(error);
      return;
    }
    head = next;
    for (const [i, e] of linked.entries()) {
      // The text the chain covers, as it was stored: the event is serialised once.
      logger.infoWithJson('audit', 'audit', texts[i]);
      for (const listener of listeners) {
        try {
          listener(e);
        } catch (error) {
          logger.warn('an audit listener failed', { error: messageOf(error) });
        }
      }
    }
    for (const p of batch) p.resolve();
    if (checkpointDue())
      await writeCheckpoint().catch((error) =>
        logger.warn('audit checkpoint not written', { error: messageOf(error) }),
      );
  };

  // Group commit. The write runs outside any request's context: it carries the events of many
  // requests, and is bounded by the store's own timeouts, not by the first request's deadline.
  let timerHandle: NodeJS.Timeout | undefined;
  let immediateHandle: NodeJS.Immediate | undefined;
  const writeQueued = () => {
    timerHandle = undefined;
    immediateHandle = undefined;
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
      // 0: no added wait. The write goes out once this turn's callbacks have run (so the events of
      // requests answered together share it); events recorded while it is under way go in the next.
      if (flushEveryMs === 0) immediateHandle = setImmediate(() => void writeQueued());
      else timerHandle = setTimeout(() => void writeQueued(), flushEveryMs);
    });
  };

  const flush = async () => {
    while (queue.length > 0 || scheduled) {
      if (!scheduled) schedule();
      if (timerHandle || immediateHandle) {
        clearTimeout(timerHandle);
        clearImmediate(immediateHandle);
        await deadlines.detached(writeQueued);
      } else await serial(async () => undefined);
    }
    await serial(async () => undefined);
  };

  // Started by start() (the composition root's), never by creating the trail.
  let timer: NodeJS.Timeout | undefined;
  const startCheckpointTimer = () => {
    if (timer || deps.checkpointTimer === false) return;
    timer = setInterval(
      () => {
        if (checkpointDue())
          serial(writeCheckpoint).catch((error) =>
            logger.warn('audit checkpoint not written', { error: messageOf(error) }),
          );
      },
      Math.min(settings.checkpointEverySeconds, 10) * 1000,
    );
    timer.unref();
  };

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

  /** Whether the buffer has room for one more event of this kind; notes (once) when data calls start being refused. */
  const admit = (kind: string): boolean => {
    if (!bound) return true;
    const fill = buffered + queue.length + inFlight;
    const bulk = BULK_KINDS.has(kind);
    if (fill < (bulk ? bound.dataLimit : bound.capacity)) return true;
    checkLength();
    if (bulk && !refusing) {
      refusing = true;
      logger.error('the audit buffer is full: data calls answer 503 until the archiver empties it', {
        length: buffered,
        capacity: bound.capacity,
        archiverFailing: deps.records?.archiver.status().failing,
      });
      // From the reserved headroom: the trail itself says from when calls were refused.
      void record({
        kind: 'audit.buffer_full',
        result: 'failure',
        details: { length: buffered, capacity: bound.capacity, dataLimit: bound.dataLimit },
      }).catch(() => {});
    }
    return false;
  };

  const record = (event: AuditEvent): Promise<void> => {
    if (!admit(event.kind))
      return Promise.reject(
        new StoreUnavailableError('the audit buffer is full (the record store is not taking events)'),
      );
    // Time and order are fixed now, in the caller's turn; the write follows. The same redaction
    // as the log's, so that the stored event and the log line never differ; serialised here, once.
    const now = clock.now();
    const recorded = redact({
      ...event,
      id: nextId(now),
      time: new Date(now).toISOString(),
      instance: deps.instance,
    });
    // Redaction replaces secret-named fields inside `details`, never an event's own members.
    if (!isStampedAuditEvent(recorded))
      return Promise.reject(new TypeError('an audit event lost its shape in redaction'));
    const members = serialiseEvent(recorded);
    let pending!: Pending;
    const stored = new Promise<void>((resolve, reject) => {
      pending = { event: recorded, members, resolve, reject, abandoned: false };
      queue.push(pending);
    });
    schedule();
    return deadlines.within(stored, () => {
      pending.abandoned = true;
      return new StoreUnavailableError('the audit event was not stored within the deadline');
    });
  };

  return {
    record,
    buffer: () => ({
      length: buffered,
      capacity: bound?.capacity ?? 0,
      dataLimit: bound?.dataLimit ?? 0,
      refusing,
    }),
    async query(filter) {
      const out: RecordedAuditEvent[] = [];
      for await (const event of events(filter)) out.push(event);
      return out;
    },
    events,
    exportEvents: (filter, format, timeZone) => formatEvents(events(filter), format, undefined, timeZone),
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
    start: startCheckpointTimer,
    async close() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flush();
      await serial(writeCheckpoint).catch((error) =>
        logger.warn('audit checkpoint not written at shutdown', { error: messageOf(error) }),
      );
    },
  };
};
