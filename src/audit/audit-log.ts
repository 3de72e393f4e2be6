import { randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';

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

export interface RecordedAuditEvent extends AuditEvent {
  id: string;
  time: string;
  instance: string;
}

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** Writes each event as a JSON line through the logger (for log shipping). */
export const createLoggingAuditLog = (deps: { logger: Logger; clock: Clock; instance: string }): AuditLog & { recent: RecordedAuditEvent[] } => {
  const recent: RecordedAuditEvent[] = [];
  return {
    recent,
    async record(event) {
      const recorded: RecordedAuditEvent = { id: randomUUID(), time: new Date(deps.clock.now()).toISOString(), instance: deps.instance, ...event };
      recent.push(recorded);
      if (recent.length > 1000) recent.shift();
      deps.logger.info('audit', { audit: recorded });
    },
  };
};
