import { isOptional, isRecord, isStringArray } from './unknown-json.ts';

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

const RESULTS: ReadonlySet<unknown> = new Set(['success', 'failure', 'denied']);

/** An audit event, checked member by member (extra members are allowed, as the trail keeps them). */
export const isAuditEvent = (value: unknown): value is AuditEvent =>
  isRecord(value) &&
  typeof value.kind === 'string' &&
  RESULTS.has(value.result) &&
  isOptional(value.actor, 'string') &&
  isOptional(value.partnerId, 'string') &&
  isOptional(value.customerId, 'string') &&
  isOptional(value.requestId, 'string') &&
  (value.accountIds === undefined || isStringArray(value.accountIds)) &&
  (value.details === undefined || isRecord(value.details));

/** An event stamped by the trail (id, time, instance), not yet linked into its chain. */
export type StampedAuditEvent = Omit<RecordedAuditEvent, 'chain' | 'seq' | 'prev' | 'prevTime'>;

export const isStampedAuditEvent = (value: unknown): value is StampedAuditEvent =>
  isAuditEvent(value) &&
  isRecord(value) &&
  typeof value.id === 'string' &&
  typeof value.time === 'string' &&
  typeof value.instance === 'string';

/** A recorded event: an audit event with its time, instance and link in the hash chain. */
export const isRecordedAuditEvent = (value: unknown): value is RecordedAuditEvent =>
  isRecord(value) &&
  typeof value.chain === 'string' &&
  Number.isInteger(value.seq) &&
  typeof value.prev === 'string' &&
  isOptional(value.prevTime, 'string') &&
  isStampedAuditEvent(value);

/** The event a stored text holds, or undefined when the text is not JSON or not an event. */
export const decodeRecordedAuditEvent = (text: string): RecordedAuditEvent | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return isRecordedAuditEvent(value) ? value : undefined;
  } catch {
    return undefined;
  }
};

/** The event a stored text holds; throws when it holds none (the text was not written by the trail). */
export const parseRecordedAuditEvent = (text: string): RecordedAuditEvent => {
  const value: unknown = JSON.parse(text);
  if (!isRecordedAuditEvent(value)) throw new TypeError('the stored text is not an audit event');
  return value;
};
