import type { AuditPage, AuditPageRequest, AuditSearch } from '../records/record-store.ts';
import type { AuditEvent, RecordedAuditEvent } from '../shared/audit-event.ts';

// Every module names the event types through the audit interface; they live below audit and records.
export type { AuditEvent, RecordedAuditEvent } from '../shared/audit-event.ts';

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** A search of the trail (the record store's fields) with, for a plain read, at most `limit` events. */
export interface AuditFilter extends AuditSearch {
  limit?: number;
}

export type AuditExportFormat = 'jsonl' | 'csv';

/**
 * How an export writes each event's time: as recorded (ISO 8601 in UTC, the default), or as the
 * same instant in Japan time with its +09:00 offset, as the console's staff read times.
 */
export type AuditExportTimeZone = 'UTC' | 'JST';

/** The durable audit trail: the AuditLog every module writes to, plus reading, exporting and its lifecycle. */
export interface AuditTrail extends AuditLog {
  /** Matching events, oldest first. */
  query(filter: AuditFilter): Promise<RecordedAuditEvent[]>;
  /** Matching events, oldest first, read a page at a time (no limit unless the filter sets one). */
  events(filter: AuditFilter): AsyncIterable<RecordedAuditEvent>;
  /** One page of matching events from the record store, newest first unless the page says otherwise. */
  search(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage>;
  /** Matching events as lines of JSON Lines or CSV (header first), each ending in "\n". */
  exportEvents(filter: AuditFilter, format: AuditExportFormat, timeZone?: AuditExportTimeZone): AsyncIterable<string>;
  /** How full this instance's buffer is, when it is bounded (a durable record store behind it). */
  buffer?(): { length: number; capacity: number; dataLimit: number; refusing: boolean };
  /** Called after each event is stored (metrics). */
  onRecorded(listener: (event: RecordedAuditEvent) => void): void;
  /** Waits until every event recorded so far is stored. */
  flush(): Promise<void>;
  /** Writes a signed checkpoint of this instance's chain now, if it has grown since the last one. */
  checkpoint(): Promise<void>;
  /** Starts the periodic checkpoint (the composition root's start): creating the trail starts no timer. */
  start(): void;
  /** Flushes, writes a last checkpoint and stops the checkpoint timer. */
  close(): Promise<void>;
}
