import { createRouter } from '../http/router.ts';
import type { Ajv } from 'ajv';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/load-config.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRevocation } from '../grants/revocation.ts';
import { jsonBodyReader } from '../http/json-body.ts';
import { audiences } from '../protocol/audiences.ts';
import { checkScope } from '../resource-api/checks/check-scope.ts';
import { respondErrors } from '../resource-api/respond-errors.ts';
import { internalClientAdapter } from '../resource-api/router.ts';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';
import { coreEventSchema, type CoreEvent } from './schema.ts';

/**
 * POST /core-events/v1/events — the core-banking system tells us what changed (terms 5.2). Only
 * an internal client allowed `core:events` may call it. The answer comes after every affected
 * linkage has ended (or dropped the account): when the core system sees 200, no token of that
 * customer works any more.
 */
export const coreEventsRouter = (deps: {
  config: Config;
  store: Store;
  clock: Clock;
  ajv: Ajv;
  coreBanking: CoreBanking;
  revocation: GrantRevocation;
  audit: AuditLog;
}) => {
  const router = createRouter({ prefix: '/core-events/v1' });
  const readBody = jsonBodyReader(deps.ajv);
  const senders = new Set(
    deps.config.internalClients.filter((c) => c.scopes.includes('core:events')).map((c) => c.client_id),
  );
  const audience = audiences(deps.config.settings.server.issuer).coreEvents;

  router.post(
    '/events',
    respondErrors,
    ...internalClientAdapter(deps, { audience, clients: senders }),
    checkScope('core:events'),
    async (ctx) => {
      const event = await readBody<CoreEvent>(ctx, coreEventSchema);
      const actor = `core:${ctx.state.internalClient as string}`;
      let affected = 0;
      if (event.type === 'customer.eligibility_lost') {
        affected = await deps.revocation.endCustomerGrants(event.customerId, {
          reason: 'customer_ineligible',
          actor,
          note: event.reason,
        });
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
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { affectedGrants: affected };
    },
  );
  return router;
};
