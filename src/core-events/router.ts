import { createRouter } from '../http/router.ts';
import type { Ajv } from 'ajv';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { Linkages } from '../grants/linkages.ts';
import { jsonParser, type JsonBodyState } from '../web/json-body.ts';
import { preventCaching } from '../http/no-store.ts';
import { respondErrors } from '../web/respond-errors.ts';
import { checkScope } from '../web/tokens/check-scope.ts';
import type { TokenChecks } from '../web/tokens/token-checks.ts';
import type { InternalClientState } from '../web/tokens/token-request.ts';
import { coreEventSchema, type CoreEvent } from './schema.ts';

/**
 * POST /core-events/v1/events — the core-banking system tells us what changed (terms 5.2). Only
 * an internal client allowed `core:events` may call it. The answer comes after every affected
 * linkage has ended (or dropped the account): when the core system sees 200, no token of that
 * customer works any more.
 */
export const coreEventsRouter = (deps: {
  tokenChecks: TokenChecks;
  ajv: Ajv;
  coreBanking: CoreBanking;
  linkages: Linkages;
  audit: AuditLog;
}) => {
  const router = createRouter<InternalClientState>({ prefix: '/core-events/v1' });
  const parseJson = jsonParser(deps.ajv);

  router.post<JsonBodyState<CoreEvent>>(
    '/events',
    respondErrors,
    ...deps.tokenChecks.internalClient('coreEvents', (scopes) => scopes.includes('core:events')),
    checkScope('core:events'),
    parseJson(coreEventSchema),
    async (ctx) => {
      const event = ctx.state.body;
      const actor = `core:${ctx.state.internalClient}`;
      let affected = 0;
      if (event.type === 'customer.eligibility_lost') {
        affected = await deps.linkages.end(
          { customerId: event.customerId },
          {
            reason: 'customer_ineligible',
            actor,
            note: event.reason,
          },
        );
      } else if (event.status !== 'active') {
        const account = await deps.coreBanking.account(event.accountId);
        if (account) affected = await deps.linkages.dropAccount(account.customerId, event.accountId, actor);
      }
      await deps.audit.record({
        kind: `core_event.${event.type}`,
        result: 'success',
        actor,
        customerId: event.type === 'customer.eligibility_lost' ? event.customerId : undefined,
        accountIds: event.type === 'account.status_changed' ? [event.accountId] : undefined,
        details: { affectedGrants: affected, ...(event.eventId ? { eventId: event.eventId } : {}) },
      });
      preventCaching(ctx);
      ctx.body = { affectedGrants: affected };
    },
  );
  return router;
};
