import Router from '@koa/router';
import type { Ajv } from 'ajv';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRevocation } from '../grants/revocation.ts';
import { readJson } from '../http/json-body.ts';
import { requireInternalToken } from '../protocol/internal-access.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { coreEventSchema, type CoreEvent } from './schema.ts';

/**
 * POST /core-events/v1/events — the core-banking system tells us what changed (terms 5.2). Only
 * an internal client with the `core:events` scope may call it. The answer comes after every
 * affected linkage has ended (or dropped the account): when the core system sees 200, no token
 * of that customer works any more.
 */
export const coreEventsRouter = (deps: {
  store: Store;
  clock: Clock;
  ajv: Ajv;
  audience: string;
  coreBanking: CoreBanking;
  revocation: GrantRevocation;
  audit: AuditLog;
}) => {
  const router = new Router({ prefix: '/core-events/v1' });
  const validate = deps.ajv.getSchema(coreEventSchema.$id) ?? deps.ajv.compile(coreEventSchema);

  router.post('/events', requireInternalToken({ store: deps.store, clock: deps.clock, audience: deps.audience, scope: 'core:events' }), async (ctx) => {
    const body = await readJson(ctx);
    if (!validate(body)) {
      ctx.status = 400;
      ctx.body = { errorCode: 'invalid_request', errorMessage: deps.ajv.errorsText(validate.errors) };
      return;
    }
    const event = body as CoreEvent;
    const actor = `core:${ctx.state.internalClient as string}`;
    let affected = 0;
    if (event.type === 'customer.eligibility_lost') {
      affected = await deps.revocation.endCustomerGrants(event.customerId, { reason: 'customer_ineligible', actor, note: event.reason });
    } else if (event.status !== 'active') {
      const account = await deps.coreBanking.account(event.accountId);
      if (account) affected = await deps.revocation.dropAccount(account.customerId, event.accountId, actor);
    }
    await deps.audit.record({
      kind: `core_event.${event.type}`,
      result: 'success',
      actor,
      customerId: event.type === 'customer.eligibility_lost' ? event.customerId : undefined,
      accountIds: event.type === 'account.status_changed' ? [event.accountId] : undefined,
      details: { affectedGrants: affected, ...(event.eventId ? { eventId: event.eventId } : {}) },
    });
    ctx.body = { affectedGrants: affected };
  });
  return router;
};
