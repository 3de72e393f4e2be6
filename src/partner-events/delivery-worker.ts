import type { AuditLog } from '../audit/audit-log.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { DeliveryQueue, DueEntry, PendingDelivery } from './delivery-queue.ts';
import { pushSet } from './push.ts';
import type { SetSigner } from './security-event-token.ts';
import { messageOf } from '../shared/thrown.ts';

export interface DeliveryWorkerOptions {
  /** Wait after the 1st, 2nd, … failed attempt; one more attempt than entries, then it gives up. */
  backoffSeconds: readonly number[];
  /** How long one POST may take. */
  timeoutMs: number;
  /** How often the background worker looks for due deliveries (real time). */
  pollMs: number;
  /** Partners sent to at once, per instance (one send at a time per partner). */
  concurrency: number;
}

export interface RunSummary {
  sent: number;
  /** Failed this time, to be tried again after the back-off. */
  failed: number;
  /** Given up: out of attempts, or refused by the partner as invalid (RFC 8935 400). */
  abandoned: number;
  /** The partner no longer has an event endpoint. */
  dropped: number;
}

type Outcome = keyof RunSummary | 'skipped';

/** Due entries by partner, each partner's in due order, the partner with the oldest first. */
const byPartner = (entries: DueEntry[]): DueEntry[][] => {
  const lists = new Map<string, DueEntry[]>();
  for (const e of entries) {
    const list = lists.get(e.lane);
    if (list) list.push(e);
    else lists.set(e.lane, [e]);
  }
  return [...lists.values()];
};

/**
 * Sends due deliveries: each one claimed with a lock in the store (two instances never send the
 * same one at once), signed, POSTed, then removed, rescheduled with back-off, or given up. Time
 * comes from the injected clock; the background timer only decides when to look.
 */
export const createDeliveryWorker = (deps: {
  queue: DeliveryQueue;
  signer: SetSigner;
  partners: Pick<PartnerRegistry, 'find'>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  options: DeliveryWorkerOptions;
}) => {
  const { queue, signer, audit, clock, logger, options } = deps;
  const maxAttempts = options.backoffSeconds.length + 1;
  // Outlives a send by a margin; an instance that dies mid-send frees it by expiry.
  const lockSeconds = Math.ceil(options.timeoutMs / 1000) + 30;

  /** The partner's endpoint now; the one it had when queued if the partner is gone altogether. */
  const endpointFor = async (delivery: PendingDelivery) => {
    const view = await deps.partners.find(delivery.notice.partnerId);
    return view ? view.partner.event_endpoint : delivery.endpoint;
  };

  const auditFields = (delivery: PendingDelivery, attempts: number) => ({
    partnerId: delivery.notice.partnerId,
    details: { jti: delivery.notice.jti, grantId: delivery.notice.grantId, reason: delivery.notice.reason, attempts },
  });

  const deliver = async (entry: DueEntry, failing: Set<string>): Promise<Outcome> => {
    const delivery = await queue.read(entry.id);
    if (!delivery || delivery.nextAttemptAt !== entry.dueAt) {
      await queue.dropMember(entry);
      return 'skipped';
    }
    const endpoint = await endpointFor(delivery);
    if (!endpoint) {
      await queue.remove(entry);
      await audit.record({
        kind: 'partner_event.dropped',
        result: 'failure',
        actor: 'partner-events',
        ...auditFields(delivery, delivery.attempts),
      });
      return 'dropped';
    }
    const result = await pushSet(endpoint, await signer.sign(delivery.notice), options.timeoutMs);
    const attempts = delivery.attempts + 1;
    if (result.outcome === 'accepted') {
      await queue.remove(entry);
      await audit.record({
        kind: 'partner_event.delivered',
        result: 'success',
        actor: 'partner-events',
        ...auditFields(delivery, attempts),
      });
      return 'sent';
    }
    // An endpoint that failed is not tried again for the partner's other deliveries in this run.
    if (result.outcome === 'failed') failing.add(entry.lane);
    if (result.outcome === 'rejected' || attempts >= maxAttempts) {
      await queue.remove(entry);
      const fields = auditFields(delivery, attempts);
      await audit.record({
        kind: 'partner_event.abandoned',
        result: 'failure',
        actor: 'partner-events',
        ...fields,
        details: { ...fields.details, lastError: result.detail },
      });
      logger.warn('partner event abandoned', {
        partnerId: entry.lane,
        jti: entry.id,
        attempts,
        error: result.detail,
      });
      return 'abandoned';
    }
    const nextAttemptAt = clock.now() + options.backoffSeconds[attempts - 1] * 1000;
    await queue.reschedule(entry, { ...delivery, attempts, nextAttemptAt, lastError: result.detail });
    logger.info('partner event not delivered; will retry', {
      partnerId: entry.lane,
      jti: entry.id,
      attempts,
      retryAt: new Date(nextAttemptAt).toISOString(),
      error: result.detail,
    });
    return 'failed';
  };

  const attempt = async (entry: DueEntry, failing: Set<string>): Promise<Outcome> => {
    if (!(await queue.claim(entry.id, lockSeconds))) return 'skipped';
    try {
      return await deliver(entry, failing);
    } finally {
      await queue.release(entry.id);
    }
  };

  /**
   * Everything due now. Partners are served side by side, `concurrency` at a time; each partner's
   * deliveries go one after the other, in order, and stop for this run at the first one its
   * endpoint fails (a dead endpoint costs one attempt per run, not one per delivery). Stops taking
   * new ones once `halted()` says so.
   */
  const run = async (halted: () => boolean): Promise<RunSummary> => {
    const summary: RunSummary = { sent: 0, failed: 0, abandoned: 0, dropped: 0 };
    const partners = byPartner(await queue.due(clock.now()));
    const failing = new Set<string>();
    let next = 0;
    const lane = async () => {
      while (next < partners.length && !halted()) {
        for (const entry of partners[next++]) {
          if (halted() || failing.has(entry.lane)) break;
          try {
            const outcome = await attempt(entry, failing);
            if (outcome !== 'skipped') summary[outcome] += 1;
          } catch (error) {
            // A store hiccup on one delivery: it stays queued and is tried on a later run.
            logger.warn('partner event delivery failed to run', {
              partnerId: entry.lane,
              jti: entry.id,
              error: messageOf(error),
            });
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, partners.length) }, lane));
    return summary;
  };

  let current: Promise<RunSummary> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let halt = false;

  /** One run at a time per instance; a call during a run joins it. */
  const runDueDeliveries = (): Promise<RunSummary> => {
    current ??= run(() => halt).finally(() => {
      current = undefined;
    });
    return current;
  };

  return {
    runDueDeliveries,
    /** Starts looking every `pollMs`; the timer never keeps the process alive. */
    start() {
      if (timer) return;
      halt = false;
      timer = setInterval(() => {
        if (current) return;
        runDueDeliveries().catch((error: Error) => logger.warn('partner event run failed', { error: error.message }));
      }, options.pollMs);
      timer.unref();
    },
    /** Stops the timer and waits for the sends in flight; runDueDeliveries still works after it. */
    async stop() {
      clearInterval(timer);
      timer = undefined;
      halt = true;
      await current?.catch(() => undefined);
      halt = false;
    },
  };
};

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
