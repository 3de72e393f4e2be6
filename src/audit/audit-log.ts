import type { AuditPage, AuditPageRequest } from '../records/record-store.ts';

/**
 * The audit interface every module writes through. Events name ids, never secrets: no PIN, OTP,
 * token or full account number ever goes in.
 */
export interface AuditEvent {
  kind: string;
  result: 'success' | 'failure' | 'denied';
  actor?: string;
  partnerId?: string;
  customerId?: string;
  accountIds?: string[];
  requestId?: string;
  details?: Record<string, unknown>;
}

/** An event as the trail keeps it: with its time, where it was written and its link in the hash chain. */
export interface RecordedAuditEvent extends AuditEvent {
  id: string;
  /** ISO 8601, from the server's clock. */
  time: string;
  instance: string;
  /** The hash chain this event belongs to: one per server process run (see ./hash-chain.ts). */
  chain: string;
  /** 1, 2, 3 ... within the chain. */
  seq: number;
  /** SHA-256 (hex) of the previous event of the chain; GENESIS for the first. */
  prev: string;
  /** Time of the previous event of the chain: tells a verifier whether retention may have removed it. */
  prevTime?: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

export interface AuditFilter {
  /** The customer's own events, and those of the customer's grants (token issuance, data calls). */
  customerId?: string;
  partnerId?: string;
  grantId?: string;
  result?: string;
  /** The client's address as the server saw it (details.ip). */
  sourceAddress?: string;
  /** An exact kind ("data.access"), or a family ending in "." or ".*" ("identity_check."). */
  kind?: string;
  /** ms since the epoch, inclusive. */
  from?: number;
  /** ms since the epoch, exclusive. */
  to?: number;
  limit?: number;
}

export type AuditExportFormat = 'jsonl' | 'csv';

/** The durable audit trail: the AuditLog every module writes to, plus reading, exporting and its lifecycle. */
export interface AuditTrail extends AuditLog {
  /** Matching events, oldest first. */
  query(filter: AuditFilter): Promise<RecordedAuditEvent[]>;
  /** Matching events, oldest first, read a page at a time (no limit unless the filter sets one). */
  events(filter: AuditFilter): AsyncIterable<RecordedAuditEvent>;
  /** One page of matching events from the record store, newest first unless the page says otherwise. */
  search(filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage>;
  /** Matching events as lines of JSON Lines or CSV (header first), each ending in "\n". */
  exportEvents(filter: AuditFilter, format: AuditExportFormat): AsyncIterable<string>;
  /** How full this instance's buffer is, when it is bounded (a durable record store behind it). */
  buffer?(): { length: number; capacity: number; dataLimit: number; refusing: boolean };
  /** Called after each event is stored (metrics). */
  onRecorded(listener: (event: RecordedAuditEvent) => void): void;
  /** Waits until every event recorded so far is stored. */
  flush(): Promise<void>;
  /** Writes a signed checkpoint of this instance's chain now, if it has grown since the last one. */
  checkpoint(): Promise<void>;
  /** Flushes, writes a last checkpoint and stops the checkpoint timer. */
  close(): Promise<void>;
}
