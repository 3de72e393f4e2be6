import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordedAuditEvent } from '../audit/audit-log.ts';
import type { ArchiverStatus } from '../records/audit-archiver.ts';

const TOKEN_TYPES = new Set(['access_token', 'refresh_token', 'authorization_code', 'client_credentials']);
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

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
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern and method.',
    labelNames: ['route', 'method'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const tokensIssued = new Counter({
    name: 'oauth_tokens_issued_total',
    help: 'Authorization codes and tokens issued, by type and the grant type that produced them.',
    labelNames: ['type', 'grant_type'] as const,
    registers,
  });
  const grantsEnded = new Counter({
    name: 'grants_ended_total',
    help: 'Linkages ended (revoked, replaced, expired), by reason.',
    labelNames: ['reason'] as const,
    registers,
  });
  const lockouts = new Counter({
    name: 'identity_check_lockouts_total',
    help: 'Customers locked out of API連携認証 after repeated identity-check failures.',
    registers,
  });
  const storeErrors = new Counter({
    name: 'store_unavailable_errors_total',
    help: 'Requests answered 503 because the store (Redis) could not be reached.',
    registers,
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
      }
    },
    storeUnavailable() {
      storeErrors.inc();
    },
    /** The audit buffer and its archiver: how far behind, how full, whether PostgreSQL answers. */
    watchArchiver(status: () => ArchiverStatus) {
      new Gauge({
        name: 'audit_archiver_lag_seconds',
        help: 'Age of the oldest audit event in the buffer not yet archived to the record store (0: caught up).',
        registers,
        collect() {
          this.set(status().lagMs / 1000);
        },
      });
      new Gauge({
        name: 'audit_buffer_backlog_events',
        help: 'Audit events waiting in the buffer as of the archiver’s last pass (at most one batch is counted).',
        registers,
        collect() {
          this.set(status().backlog);
        },
      });
      new Gauge({
        name: 'audit_archived_events',
        help: 'Audit events this instance archived to the record store since it started.',
        registers,
        collect() {
          this.set(status().archived);
        },
      });
      new Gauge({
        name: 'audit_archiver_failing',
        help: '1 while the archiver cannot write to the record store (PostgreSQL down): the buffer fills.',
        registers,
        collect() {
          this.set(status().failing ? 1 : 0);
        },
      });
    },
  };
};

export type Metrics = ReturnType<typeof createMetrics>;
