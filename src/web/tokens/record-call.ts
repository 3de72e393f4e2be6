import type { Middleware } from 'koa';
import type { AuditLog } from '../../audit/audit-log.ts';
import { unavailableCause } from '../../shared/unavailable.ts';
import type { PartnerTokenState } from './token-request.ts';

/** What the audit record of a partner's call reads: whatever the checks got to before it ended. */
export type RecordedCallState = Partial<PartnerTokenState> & {
  /** The one account the call was about, when the route names one. */
  account?: { accountId: string };
  requestId?: string;
};

/**
 * Every call made with a partner's token leaves an audit record, whatever its outcome (terms 4.2,
 * 4.6). A served call is also reported to `onServed` (the linkage's "last used" time on the
 * customer's page).
 */
export const recordCall =
  (
    audit: AuditLog,
    kind: string,
    onServed?: (grantId: string, grantExpiresAt: number | undefined) => Promise<void>,
  ): Middleware<RecordedCallState> =>
  async (ctx, next) => {
    let failure: unknown;
    try {
      await next();
    } catch (e) {
      failure = e;
    }
    const { token, account, accountIds } = ctx.state;
    const status = failure ? statusOf(failure) : ctx.status;
    await audit.record({
      kind,
      result: status < 400 ? 'success' : status === 401 || status === 403 || status === 404 ? 'denied' : 'failure',
      partnerId: token?.clientId,
      customerId: token?.extra?.customer,
      actor: token?.clientId,
      accountIds: account ? [account.accountId] : token ? accountIds : undefined,
      requestId: ctx.state.requestId,
      details: {
        route: ctx.path,
        method: ctx.method,
        status,
        ...(token ? { grantId: token.grantId, sub: token.accountId } : {}),
      },
    });
    if (!failure && status < 400 && token && onServed) await onServed(token.grantId, token.extra?.grant_exp);
    if (failure) throw failure;
  };

// An outage is recorded as the 503 the caller gets.
const statusOf = (failure: unknown) =>
  unavailableCause(failure)
    ? 503
    : typeof failure === 'object' && failure !== null && 'status' in failure && typeof failure.status === 'number'
      ? failure.status
      : 500;
