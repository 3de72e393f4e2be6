import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordedAuditEvent } from '../audit/audit-log.ts';
import type { ArchiverStatus } from '../records/audit-archiver.ts';

import { METRIC_PREFIX } from '../shared/metric-prefix.ts';

export { METRIC_PREFIX };
const named = (name: string) => `${METRIC_PREFIX}${name}`;

const TOKEN_TYPES = new Set(['access_token', 'refresh_token', 'authorization_code', 'client_credentials']);
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);
const SURFACES = new Set(['authorization', 'my_page', 'data_api', 'token_refresh']);
const PARTNER_EVENT_OUTCOMES = new Set(['delivered', 'abandoned', 'dropped']);

/** A label value from a fixed set, so that what an event carries cannot grow the series. */
const bounded = (value: unknown, allowed: Set<string> | RegExp): string => {
  if (typeof value !== 'string') return 'other';
  return (allowed instanceof Set ? allowed.has(value) : allowed.test(value)) ? value : 'other';
};

/**
 * The server's Prometheus metrics, on a registry of its own (never prom-client's global default:
 * two apps in one process, as in the tests, must not share counters). Process metrics are not
 * collected: their event-loop monitor cannot be stopped per app.
 */
export const createMetrics = () => {
  const registry = new Registry();
  const registers = [registry];
  const httpRequests = new Counter({
    name: named('http_requests_total'),
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: named('http_request_duration_seconds'),
    help: 'Time to answer an HTTP request, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const tokensIssued = new Counter({
    name: named('oauth_tokens_issued_total'),
    help: 'Authorization codes and tokens issued, by type and the grant type that produced them.',
    labelNames: ['type', 'grant_type'] as const,
    registers,
  });
  const grantsEnded = new Counter({
    name: named('grants_ended_total'),
    help: 'Linkages ended (revoked, replaced, expired), by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const lockouts = new Counter({
    name: named('identity_check_lockouts_total'),
    help: 'Customers locked out of API連携認証 after repeated identity-check failures.',
    registers,
  });
  const storeErrors = new Counter({
    name: named('store_unavailable_errors_total'),
    help: 'Requests answered 503 because the store (Redis) could not be reached.',
    registers,
  });

  const identityCheckFailures = new Counter({
    name: named('identity_check_failures_total'),
    help: 'Failed identity checks (API連携認証 and /my), by surface, step and reason (pin, otp, otp_replayed, locked).',
    labelNames: ['surface', 'step', 'reason'] as const,
    registers,
  });
  const throttled = new Counter({
    name: named('throttled_total'),
    help:
      'Requests refused by a rate limit, by what was limited (identity_check per address, identity_check_global, ' +
      'staff_login).',
    labelNames: ['limit', 'surface'] as const,
    registers,
  });
  const globalFailures = new Gauge({
    name: named('identity_check_global_failures'),
    help:
      'Failed identity checks of all clients within identityCheck.globalLimit.windowSeconds, as last read at a PIN ' +
      'post; alert well below identity_check_global_failures_limit (one PIN sprayed over many accounts).',
    registers,
  });
  const globalFailuresLimit = new Gauge({
    name: named('identity_check_global_failures_limit'),
    help: 'identityCheck.globalLimit.maxFailures: from this many, the PIN step answers 429 for everyone.',
    registers,
  });
  const admission = new Counter({
    name: named('admission_total'),
    help:
      'Identity checks (pin: the PIN check of a core-banking connector; staff_password) admitted to run, or ' +
      'refused with the 混雑 page (503) after the short admission wait, by connector.',
    labelNames: ['check', 'connector', 'outcome'] as const,
    registers,
  });
  const consent = new Counter({
    name: named('consent_funnel_total'),
    help: 'The consent screen: shown (once per interaction), agreed, declined, abandoned (left open until it expired).',
    labelNames: ['stage'] as const,
    registers,
  });
  for (const stage of ['shown', 'agreed', 'declined', 'abandoned']) consent.inc({ stage }, 0);
  const partnerEvents = new Counter({
    name: named('partner_events_total'),
    help:
      'Security Event Tokens to partners, by outcome ' +
      '(delivered, abandoned after retries or rejection, dropped: no endpoint).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const notices = new Counter({
    name: named('customer_notices_total'),
    help:
      'Notices to customers (new and ended linkages), by outcome ' +
      '(sent; retried: an attempt failed; failed: given up).',
    labelNames: ['outcome'] as const,
    registers,
  });
  let readRestrictions: () => { scope: { kind: string } }[] = () => [];
  new Gauge({
    name: named('restrictions_active'),
    help: "Operators' restrictions in force now (terms 7.3), by kind: service, partner, surface.",
    labelNames: ['kind'] as const,
    registers,
    collect() {
      const counts: Record<string, number> = { service: 0, partner: 0, surface: 0 };
      for (const r of readRestrictions()) if (r.scope.kind in counts) counts[r.scope.kind] += 1;
      for (const [kind, n] of Object.entries(counts)) this.set({ kind }, n);
    },
  });

  return {
    registry,
    httpRequests,
    httpDuration,
    /** Counts what the audit trail records: token issuance, grant endings, lockouts. */
    observeAuditEvent(event: RecordedAuditEvent) {
      const details = event.details ?? {};
      if (event.kind === 'code.issued' || event.kind === 'token.issued' || event.kind === 'token.refreshed') {
        // A code comes from an authorization request, not from a grant type.
        const grantType = event.kind === 'code.issued' ? 'none' : bounded(details.grantType, GRANT_TYPES);
        tokensIssued.inc({ type: bounded(details.type, TOKEN_TYPES), grant_type: grantType });
      } else if (event.kind === 'grant.ended') {
        grantsEnded.inc({ reason: bounded(details.reason, /^[a-z_]{1,40}$/) });
      } else if (event.kind === 'identity_check.locked') {
        lockouts.inc();
      } else if (event.kind === 'identity_check.failure') {
        identityCheckFailures.inc({
          surface: bounded(details.surface, SURFACES),
          step: bounded(details.step, new Set(['pin', 'otp'])),
          reason: bounded(details.reason, /^[a-z_]{1,40}$/),
        });
      } else if (event.kind === 'identity_check.throttled') {
        const limit = details.limit === 'global' ? 'identity_check_global' : 'identity_check';
        throttled.inc({ limit, surface: bounded(details.surface, SURFACES) });
      } else if (event.kind === 'admin.login' && details.reason === 'throttled') {
        throttled.inc({ limit: 'staff_login', surface: 'admin' });
      } else if (event.kind === 'consent.granted') {
        consent.inc({ stage: 'agreed' });
      } else if (event.kind === 'consent.declined') {
        consent.inc({ stage: 'declined' });
      } else if (event.kind.startsWith('partner_event.')) {
        partnerEvents.inc({ outcome: bounded(event.kind.slice('partner_event.'.length), PARTNER_EVENT_OUTCOMES) });
      } else if (event.kind === 'notice.sent' || event.kind === 'notice.failed' || event.kind === 'notice.retried') {
        notices.inc({ outcome: event.kind.slice('notice.'.length) });
      }
    },
    /** What the identity check last read of all clients' failures, and its limit. */
    observeGlobalFailures(failures: number, limit: number) {
      globalFailures.set(failures);
      globalFailuresLimit.set(limit);
    },
    /** An identity check passed the admission limit, or was refused (src/shared/admission.ts). */
    admission(check: 'pin' | 'staff_password', connector: string, outcome: 'admitted' | 'refused') {
      admission.inc({ check, connector: bounded(connector, new Set(['demo', 'http', 'console', 'other'])), outcome });
    },
    storeUnavailable() {
      storeErrors.inc();
    },
    /** What the consent funnel's tracker counts itself (src/ops/consent-funnel.ts). */
    consentFunnel: {
      shown: () => consent.inc({ stage: 'shown' }),
      abandoned: (n: number) => consent.inc({ stage: 'abandoned' }, n),
    },
    /** Where the restriction gauge reads the restrictions in force (the availability part, built later). */
    watchRestrictions(read: () => { scope: { kind: string } }[]) {
      readRestrictions = read;
    },
    /** The audit buffer and its archiver: how far behind, how full, whether PostgreSQL answers. */
    watchArchiver(status: () => ArchiverStatus) {
      new Gauge({
        name: named('audit_archiver_lag_seconds'),
        help: 'Age of the oldest audit event in the buffer not yet archived to the record store (0: caught up).',
        registers,
        collect() {
          this.set(status().lagMs / 1000);
        },
      });
      new Gauge({
        name: named('audit_buffer_backlog_events'),
        help: 'Audit events waiting in the buffer as of the archiver’s last pass (at most one batch is counted).',
        registers,
        collect() {
          this.set(status().backlog);
        },
      });
      new Gauge({
        name: named('audit_archived_events'),
        help: 'Audit events this instance archived to the record store since it started.',
        registers,
        collect() {
          this.set(status().archived);
        },
      });
      new Gauge({
        name: named('audit_archiver_failing'),
        help: '1 while the archiver cannot write to the record store (PostgreSQL down): the buffer fills.',
        registers,
        collect() {
          this.set(status().failing ? 1 : 0);
        },
      });
    },
    /** This instance's audit buffer against its bound (only when the bound applies: a durable record store). */
    watchAuditBuffer(status: () => { length: number; capacity: number; refusing: boolean }) {
      new Gauge({
        name: named('audit_buffer_fill_ratio'),
        help: 'Share of the audit buffer’s bound in use (1: full); data calls are refused near the top.',
        registers,
        collect() {
          const { length, capacity } = status();
          this.set(capacity > 0 ? length / capacity : 0);
        },
      });
      new Gauge({
        name: named('audit_buffer_refusing'),
        help: '1 while data calls answer 503 because the audit buffer reached its bound.',
        registers,
        collect() {
          this.set(status().refusing ? 1 : 0);
        },
      });
    },
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
