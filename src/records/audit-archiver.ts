import { decodeRecordedAuditEvent, type RecordedAuditEvent } from '../shared/audit-event.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { messageOf } from '../shared/thrown.ts';
import { isRecord } from '../shared/unknown-json.ts';
import type { Store, StreamEntry } from '../store/store.ts';
import { appendLinkageEventsOf } from './linkage-events.ts';
import type { RecordStore, StoredCheckpoint } from './record-store.ts';

export interface ArchiverSettings {
  batchSize: number;
  intervalMs: number;
  retryMs: number;
}

export interface ArchiverStatus {
  /** Entries archived since start. */
  archived: number;
  /** Milliseconds between now and the oldest entry still waiting in the buffer (0: caught up). */
  lagMs: number;
  /** Entries waiting in the buffer, as of the last pass (at most what one read saw). */
  backlog: number;
  /** The last write to the record store failed; the archiver is retrying. */
  failing: boolean;
  lastError?: string;
}

export interface AuditArchiver {
  /** Moves everything buffered so far to the record store; rejects when the record store fails. */
  drain(): Promise<void>;
  status(): ArchiverStatus;
  /** Called with a stream's name and how many entries were deleted from it once archived. */
  onTrimmed(listener: (stream: string, count: number) => void): void;
  start(): void;
  /** Stops the timer after a last drain (best effort: what stays buffered is archived at the next start). */
  stop(): Promise<void>;
}

const MAX_RETRY_MS = 30_000;
const idTime = (id: string) => Number(id.slice(0, id.indexOf('-')));

const decode = (entry: StreamEntry): RecordedAuditEvent | undefined => decodeRecordedAuditEvent(entry.value);

const decodeCheckpoint = (entry: StreamEntry): StoredCheckpoint | undefined => {
  try {
    const payload: unknown = JSON.parse(Buffer.from(entry.value.split('.')[1] ?? '', 'base64url').toString('utf8'));
    if (!isRecord(payload)) return undefined;
    const { chain, seq, time } = payload;
    if (typeof chain !== 'string' || typeof seq !== 'number' || !Number.isInteger(seq)) return undefined;
    return {
      id: entry.id,
      time: typeof time === 'string' ? time : new Date(idTime(entry.id)).toISOString(),
      chain,
      seq,
      jws: entry.value,
    };
  } catch {
    return undefined;
  }
};

/**
 * Moves audit events (and signed checkpoints) from the store's buffer streams to the record store,
 * in batches of one multi-row INSERT each, off the request path. With a durable record store
 * (PostgreSQL) the archived entries are then deleted from the buffer, so Redis holds only what is
 * not archived yet; with the embedded one the buffer stays the store's own trail, as before.
 *
 * A failed write leaves the entries in the buffer and is tried again, waiting longer each time
 * (up to 30 s): PostgreSQL down means the buffer fills (see the faults rule: its bound answers
 * 503), and the archiver catches up by itself when it is back. Every instance may run one on a
 * shared buffer: rows are keyed by (time, id), so a second copy of a row changes nothing.
 *
 * Each instance buffers into a stream of its own and runs the archiver of that stream. With a
 * durable record store it also sweeps, every `sweepEveryMs`, the other event streams (an instance
 * that stopped with a backlog and never came back under its name, the older shared stream), so no
 * buffered event waits for its writer's return. With the embedded record store (a copy per
 * process) it reads every instance's stream on each pass, as far as it got in each.
 */
export const createAuditArchiver = (deps: {
  store: Store;
  records: RecordStore;
  clock: Clock;
  logger: Logger;
  /** The buffer streams: this instance's events, and the checkpoints. */
  streams: { events: string; checkpoints: string };
  settings: ArchiverSettings;
  /**
   * Every event stream there is (src/audit/trail-stream.ts's eventStreams): with it and a durable
   * record store, the others are swept every `sweepEveryMs` (default 60 s).
   */
  eventStreams?: () => Promise<string[]>;
  sweepEveryMs?: number;
}): AuditArchiver => {
  const { store, records, settings, logger } = deps;
  const trim = records.durable;
  // How far each stream was archived: without trimming, always; with it, past undecodable entries.
  const cursor = new Map<string, string>();
  const state: ArchiverStatus = { archived: 0, lagMs: 0, backlog: 0, failing: false };
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let retryMs = settings.retryMs;
  let stopped = false;
  const trimmed: ((stream: string, count: number) => void)[] = [];
  const sweepEveryMs = deps.sweepEveryMs ?? 60_000;
  let sweptAt: number | undefined;

  /** One batch of one stream; answers whether the stream may hold more. */
  const moveBatch = async (which: 'events' | 'checkpoints', key = deps.streams[which]): Promise<boolean> => {
    const own = key === deps.streams[which];
    const after = cursor.get(key);
    const entries = await store.readStream(
      key,
      after ? { after, count: settings.batchSize } : { count: settings.batchSize },
    );
    if (entries.length === 0) {
      if (which === 'events' && own) {
        state.lagMs = 0;
        state.backlog = 0;
      }
      return false;
    }
    if (which === 'events') {
      if (own) {
        state.lagMs = Math.max(0, deps.clock.now() - idTime(entries[0].id));
        state.backlog = entries.length;
      }
      const events: RecordedAuditEvent[] = [];
      const bodies: string[] = [];
      const ids: string[] = [];
      for (const entry of entries) {
        const event = decode(entry);
        if (!event) continue;
        events.push(event);
        // The buffer's text is what the chain hashed: kept as it is.
        bodies.push(entry.value);
        ids.push(entry.id);
      }
      if (events.length < entries.length)
        logger.error('audit buffer entries that are not events were left in the buffer', {
          stream: key,
          count: entries.length - events.length,
        });
      await records.appendAuditEvents(events, bodies);
      await appendLinkageEventsOf(records, events);
      state.archived += events.length;
      if (trim) {
        if (ids.length) {
          const n = await store.deleteFromStream(key, ids);
          for (const listener of trimmed) listener(key, n);
        }
        // Undecodable entries stay (evidence of tampering); skip past them.
        if (ids.length < entries.length) cursor.set(key, entries[entries.length - 1].id);
      } else {
        cursor.set(key, entries[entries.length - 1].id);
      }
    } else {
      const checkpoints = entries.map(decodeCheckpoint).filter((c): c is StoredCheckpoint => c !== undefined);
      await records.appendCheckpoints(checkpoints);
      if (trim)
        await store.deleteFromStream(
          key,
          entries.map((e) => e.id),
        );
      else cursor.set(key, entries[entries.length - 1].id);
    }
    const more = entries.length >= settings.batchSize;
    if (!more && which === 'events' && own) {
      state.lagMs = 0;
      state.backlog = 0;
    }
    return more;
  };

  const sweepDue = () =>
    trim &&
    deps.eventStreams &&
    sweepEveryMs > 0 &&
    (sweptAt === undefined || deps.clock.now() - sweptAt >= sweepEveryMs);

  const pass = async () => {
    while (await moveBatch('events'));
    // An embedded record store is this process's own copy: it takes every instance's events.
    if (!trim && deps.eventStreams) {
      for (const key of await deps.eventStreams())
        if (key !== deps.streams.events) while (await moveBatch('events', key));
    } else if (sweepDue()) {
      for (const key of (await deps.eventStreams?.()) ?? [])
        if (key !== deps.streams.events) while (await moveBatch('events', key));
      sweptAt = deps.clock.now();
    }
    while (await moveBatch('checkpoints'));
  };

  /** One pass at a time: a drain joins the pass under way, then makes its own. */
  const runPass = (): Promise<void> => {
    const run = (running ?? Promise.resolve())
      .catch(() => undefined)
      .then(pass)
      .then(
        () => {
          if (state.failing) logger.info('audit archiver caught up again', { archived: state.archived });
          state.failing = false;
          state.lastError = undefined;
          retryMs = settings.retryMs;
        },
        (error: unknown) => {
          if (!state.failing)
            logger.error('audit archiver cannot write to the record store', { error: messageOf(error) });
          state.failing = true;
          state.lastError = messageOf(error);
          throw error;
        },
      );
    running = run;
    return run;
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      runPass().then(
        () => schedule(settings.intervalMs),
        () => {
          const wait = retryMs;
          retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
          schedule(wait);
        },
      );
    }, ms);
    timer.unref();
  };

  return {
    drain: runPass,
    status: () => ({ ...state }),
    onTrimmed(listener) {
      trimmed.push(listener);
    },
    start() {
      stopped = false;
      if (!timer) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await runPass().catch((error: unknown) =>
        logger.warn('audit events left in the buffer at shutdown; archived at the next start', {
          error: messageOf(error),
        }),
      );
    },
  };
};
