/**
 * The shape of an audit event: what the trail (src/audit) writes and the record store
 * (src/records) keeps. Here, below both, so that neither needs the other for it.
 */

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
  /** The hash chain this event belongs to: one per server process run (see src/audit/hash-chain.ts). */
  chain: string;
  /** 1, 2, 3 ... within the chain. */
  seq: number;
  /** SHA-256 (hex) of the previous event of the chain; GENESIS for the first. */
  prev: string;
  /** Time of the previous event of the chain: tells a verifier whether retention may have removed it. */
  prevTime?: string;
}
