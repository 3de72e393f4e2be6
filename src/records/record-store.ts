import type { RecordedAuditEvent } from '../shared/audit-event.ts';
import { StoreUnavailableError } from '../store/store.ts';

/**
 * The record store port: what the bank must keep for years (the audit trail, consent evidence,
 * linkage history), as opposed to the hot state that expires (../store/store.ts). Implementations:
 * ./memory-record-store.ts (embedded, bounded, for a trial) and ./postgres-record-store.ts
 * (PostgreSQL, partitioned by month). Both pass test/records/contract.test.ts.
 *
 * Records are append-only: nothing here updates or deletes a row, except retention, which drops
 * whole months at a time (and needs the owner role on PostgreSQL).
 */
export interface RecordStore {
  readonly kind: 'memory' | 'postgres';
  /** True when records outlive the process (PostgreSQL): only then may the store's buffer be trimmed. */
  readonly durable: boolean;

  /**
   * Appends audit events; an event already there (same id and time) is left as it is, so a retry is
   * harmless. `bodies[i]`, when given, is event i as the buffer holds it (the text its hash covers),
   * kept as it is rather than serialised again.
   */
  appendAuditEvents(events: RecordedAuditEvent[], bodies?: readonly string[]): Promise<void>;
  /** Appends signed checkpoints (JWS); one already there (same id) is left as it is. */
  appendCheckpoints(checkpoints: StoredCheckpoint[]): Promise<void>;

  /** One page of matching events in (time, id) order, newest first unless `order` says otherwise. */
  searchAudit(filter: AuditSearch, page: AuditPageRequest): Promise<AuditPage>;
  /** Every matching event oldest first, read a page at a time from a cursor (constant memory). */
  streamAudit(filter: AuditSearch): AsyncIterable<RecordedAuditEvent>;
  /** Every event ordered by chain, then seq (verification), a page at a time. */
  chainOrder(): AsyncIterable<StoredAuditEvent>;
  /** Every checkpoint, oldest first. */
  checkpoints(): AsyncIterable<StoredCheckpoint>;
  /** The newest event of each chain older than `beforeMs` (what a retention checkpoint must fix). */
  lastEventsBefore(beforeMs: number): Promise<StoredAuditEvent[]>;
  /**
   * Retention: removes every event older than the start of the month of `beforeMs` (whole
   * partitions on PostgreSQL, never part of one); answers the cut-off actually applied, in ms.
   */
  dropAuditBefore(beforeMs: number): Promise<number>;
  /** The newest cut-off retention applied (0: nothing dropped yet). */
  retentionHorizon(): Promise<number>;

  /** What the customer was shown and agreed to; written before the linkage exists. */
  appendConsentEvidence(evidence: ConsentEvidence): Promise<void>;
  /** Lifecycle events of linkages (made, replaced, refreshed, ended); one with a known id is left as it is. */
  appendLinkageEvents(events: LinkageEvent[]): Promise<void>;
  /** Whose linkage each grant is, from its consent evidence (events that name only the grant). */
  customersOfGrants(grantIds: string[]): Promise<Map<string, string>>;
  /** A customer's linkages as the records tell them, newest first, ended ones included. */
  linkageHistory(customerId: string): Promise<LinkageHistory[]>;
  /** Removes consent evidence and linkage events older than `beforeMs` (retention). */
  dropLinkageRecordsBefore(beforeMs: number): Promise<void>;

  /** Resolves when the store answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What an operator or an export searches the trail by. Every field narrows; none is required. */
export interface AuditSearch {
  /** The customer's own events, and those of the customer's grants (token issuance, data calls). */
  customerId?: string;
  partnerId?: string;
  grantId?: string;
  /** An exact kind ("data.access"), or a family ending in "." or ".*" ("identity_check."). */
  kind?: string;
  result?: string;
  /** The client's address as the server saw it (details.ip). */
  sourceAddress?: string;
  /** The request id the answer carried (X-Request-Id): every event of that request. */
  requestId?: string;
  /** ms since the epoch, inclusive. */
  from?: number;
  /** ms since the epoch, exclusive. */
  to?: number;
}

/** Keyset paging: the page starts after this event (its time and id), never at an offset. */
export interface AuditCursor {
  time: string;
  id: string;
}

export interface AuditPageRequest {
  after?: AuditCursor;
  limit: number;
  order?: 'asc' | 'desc';
}

export interface AuditPage {
  events: RecordedAuditEvent[];
  /** Where the next page starts; absent on the last page. */
  next?: AuditCursor;
}

export interface StoredAuditEvent {
  event: RecordedAuditEvent;
  /** The text as stored: verification hashes what was read, not a re-encoding. */
  body: string;
  /** False when the stored text is no audit event any more (`event` then has only chain, seq, id, time). */
  readable?: boolean;
  /** What the search columns say (PostgreSQL): verification checks they agree with the event. */
  columns?: {
    time: string;
    id: string;
    kind: string;
    result: string;
    customerId: string | null;
    partnerId: string | null;
    grantId: string | null;
  };
}

export interface StoredCheckpoint {
  /** A unique id (the buffer's entry id, or a fresh one). */
  id: string;
  /** ISO 8601. */
  time: string;
  chain: string;
  seq: number;
  /** The signed checkpoint (compact JWS, ../audit/checkpoints.ts). */
  jws: string;
}

export interface ConsentEvidence {
  consentId: string;
  grantId: string;
  customerId: string;
  partnerId: string;
  partnerName: string;
  /** Information categories (scopes) agreed to. */
  scopes: string[];
  /** Accounts chosen, masked. */
  accounts: { accountId: string; accountType: string; branchCode: string; maskedNumber: string }[];
  termsVersion: string;
  termsSha256: string;
  /** ISO 8601: the expiry the customer was shown. */
  expiresShown?: string;
  identifiedBy: string;
  /** ISO 8601. */
  identifiedAt: string;
  /** ISO 8601. */
  consentedAt: string;
  locale: string;
  sourceAddress?: string;
  userAgent?: string;
  /** Set when this consent replaces an earlier linkage of the same customer and partner. */
  replacesGrantId?: string;
}

export type LinkageEventKind = 'made' | 'replaced' | 'refreshed' | 'ended' | 'account_removed';

export interface LinkageEvent {
  /** Unique: the audit event's id when derived from one, so that archiving twice adds nothing. */
  id?: string;
  grantId: string;
  customerId: string;
  partnerId: string;
  kind: LinkageEventKind;
  /** ISO 8601. */
  time: string;
  /** Who: "customer", a partner's id, a staff member, "system". */
  actor?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface LinkageHistory {
  grantId: string;
  partnerId: string;
  consent?: ConsentEvidence;
  events: LinkageEvent[];
  /** The ending, when the linkage has ended. */
  ended?: LinkageEvent;
  /** The newest refresh seen. */
  lastRefreshed?: string;
}

/** Raised when the record store cannot be reached: a linkage is not made, the request answers 503. */
export class RecordStoreUnavailableError extends StoreUnavailableError {
  override name = 'RecordStoreUnavailableError';
}

export const grantIdOfEvent = (event: RecordedAuditEvent): string | undefined => {
  const grantId = event.details?.grantId;
  return typeof grantId === 'string' ? grantId : undefined;
};

export const sourceAddressOf = (event: RecordedAuditEvent): string | undefined => {
  const ip = event.details?.ip ?? event.details?.sourceAddress;
  return typeof ip === 'string' ? ip : undefined;
};

/** "data.access" matches itself; "identity_check." and "identity_check.*" match the family. */
export const kindPrefix = (pattern: string): { exact: string } | { prefix: string } =>
  pattern.endsWith('.*')
    ? { prefix: pattern.slice(0, -1) }
    : pattern.endsWith('.')
      ? { prefix: pattern }
      : { exact: pattern };

/** Builds the linkage histories of one customer from their consents and events (both adapters). */
export const buildHistory = (consents: ConsentEvidence[], events: LinkageEvent[]): LinkageHistory[] => {
  const byGrant = new Map<string, LinkageHistory>();
  const entry = (grantId: string, partnerId: string) => {
    let h = byGrant.get(grantId);
    if (!h) byGrant.set(grantId, (h = { grantId, partnerId, events: [] }));
    return h;
  };
  for (const c of consents) entry(c.grantId, c.partnerId).consent = c;
  for (const e of [...events].sort((a, b) => a.time.localeCompare(b.time))) {
    const h = entry(e.grantId, e.partnerId);
    h.events.push(e);
    if (e.kind === 'ended') h.ended ??= e;
    if (e.kind === 'refreshed') h.lastRefreshed = e.time;
  }
  const started = (h: LinkageHistory) => h.consent?.consentedAt ?? h.events[0]?.time ?? '';
  return [...byGrant.values()].sort((a, b) => started(b).localeCompare(started(a)));
};
