import type { AuditEvent, AuditLog } from '../../audit/index.ts';

/**
 * Runs a staff action whose work grows with the data (ending every linkage of a partner) under
 * admin.bulkActionDeadlineSeconds instead of the request's deadline, which no such action fits.
 */
export type BulkAction = <T>(task: () => Promise<T>) => Promise<T>;

/** Who asked for an operation: a staff member in the console, or an internal client through the API. */
export interface Actor {
  /** The staff username, or the internal client's id. */
  name: string;
  via: 'console' | 'api';
  requestId?: string;
}

/**
 * Every staff action leaves an `admin.*` audit event naming who did it and why, whatever the
 * outcome; `result` says whether it happened.
 */
export const recordStaffAction = (
  audit: AuditLog,
  actor: Actor,
  action: {
    kind: `admin.${string}`;
    reason?: string;
    result?: AuditEvent['result'];
    partnerId?: string;
    customerId?: string;
    accountIds?: string[];
    details?: Record<string, unknown>;
  },
) =>
  audit.record({
    kind: action.kind,
    result: action.result ?? 'success',
    actor: actor.name,
    partnerId: action.partnerId,
    customerId: action.customerId,
    accountIds: action.accountIds,
    requestId: actor.requestId,
    details: { via: actor.via, ...(action.reason !== undefined ? { reason: action.reason } : {}), ...action.details },
  });
