import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Secrets, Settings, SigningKeys } from '../config/schema.ts';
import type { GrantEnding, GrantEndingParties } from '../grants/revocation.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import { pairwiseSubject } from '../shared/pairwise.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/store.ts';
import { createDeliveryQueue } from './delivery-queue.ts';
import { createDeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
import { createSetSigner } from './security-event-token.ts';
import { messageOf } from '../shared/thrown.ts';

export { GRANT_REVOKED_EVENT, SET_TYP } from './security-event-token.ts';
export type { DeliveryWorkerOptions, RunSummary } from './delivery-worker.ts';

/**
 * Which endings the partner is told of. Not the ones it caused itself (its own revocation, a
 * protocol-level revocation such as a refresh token it revoked, a new authorization of its own
 * that replaced the linkage), nor expiry, which it can read from the grant.
 */
export const TOLD_TO_PARTNER: Record<GrantEnding['reason'], boolean> = {
  revoked_by_customer: true,
  revoked_by_bank: true,
  customer_ineligible: true,
  partner_removed: true,
  no_accounts_left: true,
  revoked_by_partner: false,
  revoked_by_protocol: false,
  replaced: false,
  expired: false,
};

export const DEFAULT_PARTNER_EVENT_OPTIONS: DeliveryWorkerOptions = {
  // 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 6 h, 12 h: ten attempts over about 22 hours.
  backoffSeconds: [10, 30, 120, 600, 1800, 3600, 7200, 21600, 43200],
  timeoutMs: 5000,
  pollMs: 5000,
  concurrency: 8,
};

/**
 * Telling partners that a linkage ended: a Security Event Token (RFC 8417,
 * see ./security-event-token.ts for its claims) pushed to the partner's `event_endpoint`
 * (RFC 8935) from a queue in the store, so pending deliveries survive a restart and any instance
 * may send them. Revocation only queues (one read, two writes); the worker sends, retries with
 * back-off, and audits `partner_event.delivered` / `partner_event.abandoned`.
 */
export const createPartnerEvents = (deps: {
  /** Its slice of the configuration: the keys events are signed with, the issuer, the pairwise salt. */
  config: {
    signingKeys: SigningKeys;
    secrets: Pick<Secrets, 'pairwiseSalt'>;
    settings: { server: Pick<Settings['server'], 'issuer'> };
  };
  store: Store;
  clock: Clock;
  partners: Pick<PartnerRegistry, 'find'>;
  audit: AuditLog;
  logger: Logger;
  options?: Partial<DeliveryWorkerOptions>;
}) => {
  const options = { ...DEFAULT_PARTNER_EVENT_OPTIONS, ...deps.options };
  const { clock, logger } = deps;
  const retentionSeconds = options.backoffSeconds.reduce((sum, s) => sum + s, 0) + 86400;
  const queue = createDeliveryQueue({ store: deps.store, retentionSeconds });
  const signer = createSetSigner(deps.config.signingKeys, deps.config.settings.server.issuer);
  const worker = createDeliveryWorker({
    queue,
    signer,
    partners: deps.partners,
    audit: deps.audit,
    clock,
    logger,
    options,
  });

  return {
    /**
     * The revocation hook: queues a SET for the partner when it should be told and has an event
     * endpoint. Never throws: telling the partner must not hold up or undo the ending itself.
     */
    async onGrantEnded(grant: GrantEndingParties, ending: GrantEnding): Promise<void> {
      if (!TOLD_TO_PARTNER[ending.reason]) return;
      try {
        const endpoint = (await deps.partners.find(grant.partnerId))?.partner.event_endpoint;
        if (!endpoint) return;
        const now = clock.now();
        await queue.enqueue({
          notice: {
            jti: randomUUID(),
            partnerId: grant.partnerId,
            grantId: grant.grantId,
            sub: pairwiseSubject(deps.config.secrets.pairwiseSalt, grant.partnerId, grant.customerId),
            reason: ending.reason,
            endedAt: ending.endedAt,
            issuedAt: now,
          },
          endpoint,
          attempts: 0,
          nextAttemptAt: now,
        });
      } catch (error) {
        logger.error('could not queue the partner event of an ended linkage', {
          partnerId: grant.partnerId,
          grantId: grant.grantId,
          error: messageOf(error),
        });
      }
    },
    runDueDeliveries: worker.runDueDeliveries,
    start: worker.start,
    stop: worker.stop,
  };
};

export type PartnerEvents = ReturnType<typeof createPartnerEvents>;
