import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { messageOf } from '../shared/thrown.ts';
import { createRetryQueue, type DueEntry } from '../store/retry-queue.ts';
import type { Store } from '../store/store.ts';
import type { NoticeChannel } from './channels.ts';
import { noticeText, type ContactDesk } from './notice-text.ts';
import { isCustomerNotice, type CustomerNotice, type CustomerNotifier } from './port.ts';
import { isRecord } from '../shared/unknown-json.ts';

/** A notice waiting for its channel, as the store keeps it. */
export interface PendingNotice {
  /** Fixed when queued: the same on every attempt, so the receiver can keep the first and drop repeats. */
  id: string;
  notice: CustomerNotice;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string;
}

const isPendingNotice = (value: unknown): value is PendingNotice =>
  isRecord(value) &&
  typeof value.id === 'string' &&
  isCustomerNotice(value.notice) &&
  typeof value.attempts === 'number' &&
  typeof value.nextAttemptAt === 'number' &&
  (value.lastError === undefined || typeof value.lastError === 'string');

export interface NoticeSummary {
  sent: number;
  retried: number;
  /** Out of attempts, or undeliverable: moved to the dead letters. */
  failed: number;
}

const DEAD = 'notices:dead';
const deadKey = (id: string) => `notice-dead:${id}`;
const DEAD_RETENTION_SECONDS = 30 * 86400;

/**
 * Notices through a store-backed retry queue (src/store/retry-queue.ts): `notify` only queues
 * (and nudges the worker), so a slow mail server never holds up a linkage; the worker reads the
 * customer's contact from the core system at send time, sends, and retries with back-off. Every
 * outcome is audited with the grant id (notice.sent, notice.retried, notice.failed), so it shows
 * in the linkage's history; a notice out of attempts is kept as a dead letter for staff.
 */
export const createQueuedNotifier = (deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  coreBanking: Pick<CoreBanking, 'contact'>;
  channel: NoticeChannel;
  desk: ContactDesk;
  retryDelaysSeconds: readonly number[];
  timeoutMs: number;
  pollMs?: number;
}) => {
  const { store, clock, logger, audit, channel } = deps;
  const maxAttempts = deps.retryDelaysSeconds.length + 1;
  const retentionSeconds = deps.retryDelaysSeconds.reduce((s, d) => s + d, 0) + 86400;
  const lockSeconds = Math.ceil(deps.timeoutMs / 1000) + 30;
  const queue = createRetryQueue<PendingNotice>({
    store,
    retentionSeconds,
    keys: { pending: 'notices:pending', item: (id) => `notice:${id}`, lock: (id) => `notice-lock:${id}` },
    idOf: (p) => p.id,
    laneOf: () => channel.name,
    isItem: isPendingNotice,
  });

  const record = (kind: string, result: 'success' | 'failure', p: PendingNotice, extra: Record<string, unknown>) =>
    audit
      .record({
        kind,
        result,
        actor: 'notifier',
        partnerId: p.notice.partner.clientId,
        customerId: p.notice.customerId,
        details: { notice: p.notice.kind, noticeId: p.id, grantId: p.notice.grantId, channel: channel.name, ...extra },
      })
      .catch((err: Error) => logger.warn('audit of a notice delivery failed', { error: err.name }));

  const deliver = async (entry: DueEntry): Promise<keyof NoticeSummary | 'skipped'> => {
    const p = await queue.read(entry.id);
    if (!p || p.nextAttemptAt !== entry.dueAt) {
      await queue.dropMember(entry);
      return 'skipped';
    }
    const attempts = p.attempts + 1;
    const contact = await deps.coreBanking.contact(p.notice.customerId).catch(() => 'unavailable' as const);
    const result =
      contact === 'unavailable'
        ? ({ outcome: 'retry', detail: 'core banking unavailable' } as const)
        : contact === undefined
          ? ({ outcome: 'undeliverable', detail: 'no contact registered' } as const)
          : await channel.send({
              id: p.id,
              notice: p.notice,
              contact,
              locale: 'ja',
              text: noticeText(p.notice, deps.desk, 'ja'),
            });
    if (result.outcome === 'sent') {
      await queue.remove(entry);
      await record('notice.sent', 'success', p, { attempts });
      return 'sent';
    }
    if (result.outcome === 'undeliverable' || attempts >= maxAttempts) {
      const dead = { ...p, attempts, lastError: result.detail };
      await store.set(deadKey(p.id), JSON.stringify(dead), DEAD_RETENTION_SECONDS);
      await store.addToSet(DEAD, [p.id], DEAD_RETENTION_SECONDS);
      await queue.remove(entry);
      await record('notice.failed', 'failure', p, { attempts, lastError: result.detail });
      logger.warn('customer notice given up', {
        noticeId: p.id,
        channel: channel.name,
        attempts,
        error: result.detail,
      });
      return 'failed';
    }
    const nextAttemptAt = clock.now() + deps.retryDelaysSeconds[attempts - 1] * 1000;
    await queue.reschedule(entry, { ...p, attempts, nextAttemptAt, lastError: result.detail });
    await record('notice.retried', 'failure', p, {
      attempts,
      retryAt: new Date(nextAttemptAt).toISOString(),
      lastError: result.detail,
    });
    return 'retried';
  };

  const run = async (): Promise<NoticeSummary> => {
    const summary: NoticeSummary = { sent: 0, retried: 0, failed: 0 };
    for (const entry of await queue.due(clock.now())) {
      if (halt) break;
      if (!(await queue.claim(entry.id, lockSeconds))) continue;
      try {
        const outcome = await deliver(entry);
        if (outcome !== 'skipped') summary[outcome] += 1;
        // A channel that is down costs one attempt per run, not one per notice.
        if (outcome === 'retried') break;
      } catch (error) {
        logger.warn('customer notice delivery failed to run', { noticeId: entry.id, error: messageOf(error) });
      } finally {
        await queue.release(entry.id);
      }
    }
    return summary;
  };

  let current: Promise<NoticeSummary> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let halt = false;
  /** One run at a time per instance; a call during a run joins it. */
  const runDueNotices = (): Promise<NoticeSummary> => {
    current ??= run().finally(() => {
      current = undefined;
    });
    return current;
  };
  const nudge = () => {
    if (halt) return;
    runDueNotices().catch((error: Error) => logger.warn('customer notice run failed', { error: error.message }));
  };

  const notifier: CustomerNotifier = {
    async notify(notice) {
      await queue.enqueue({ id: randomUUID(), notice, attempts: 0, nextAttemptAt: clock.now() });
      if (timer) nudge();
      return 'queued';
    },
  };

  return {
    notifier,
    runDueNotices,
    /** How many notices were given up (the console shows it). */
    deadLetterCount: async () => (await store.setMembers(DEAD)).length,
    start() {
      if (timer) return;
      halt = false;
      timer = setInterval(() => {
        if (!current) nudge();
      }, deps.pollMs ?? 5000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      halt = true;
      await current?.catch(() => undefined);
      halt = false;
      channel.close?.();
    },
  };
};

export type QueuedNotifier = ReturnType<typeof createQueuedNotifier>;
