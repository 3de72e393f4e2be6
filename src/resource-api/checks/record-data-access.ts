import type { Middleware } from 'koa';
import type { AuditLog } from '../../audit/audit-log.ts';
import { unavailableCause } from '../../shared/unavailable.ts';
import type { ResourceRequest } from '../context.ts';

/**
 * Every data call leaves an audit record, whatever its outcome (terms 4.2, 4.6). A served call
 * is also reported to `onServed` (the linkage's "last used" time on the customer's page).
 */
export const recordDataAccess =
  (
    audit: AuditLog,
    kind: string,
    onServed?: (grantId: string, grantExpiresAt: number | undefined) => Promise<void>,
  ): Middleware =>
  async (ctx, next) => {
    let failure: unknown;
    try {
      await next();
    } catch (e) {
      failure = e;
    }
    const request = ctx.state.resource as Partial<ResourceRequest> | undefined;
    const status = failure
      ? unavailableCause(failure)
        ? 503
        : ((failure as { status?: number }).status ?? 500)
      : ctx.status;
    await audit.record({
      kind,
      result: status < 400 ? 'success' : status === 401 || status === 403 || status === 404 ? 'denied' : 'failure',
      partnerId: request?.payload?.clientId,
      actor: request?.payload?.clientId,
      accountIds: request?.account ? [request.account.accountId] : request?.payload ? request.accountIds : undefined,
      requestId: ctx.state.requestId,
      details: {
        route: ctx.path,
        method: ctx.method,
        status,
        ...(request?.payload ? { grantId: request.payload.grantId, sub: request.payload.accountId } : {}),
      },
    });
    if (!failure && status < 400 && request?.payload && onServed)
      await onServed(request.payload.grantId, request.payload.extra?.grant_exp);
    if (failure) throw failure;
  };
