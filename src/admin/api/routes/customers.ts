import { ResourceError } from '../../../web/errors.ts';
import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';
import { linkageJson } from '../representations.ts';
import { customerLookupBodySchema, reasonBodySchema, unlockBodySchema } from '../schemas.ts';

/** Customers: found by a login account (in a body, never a URL), their linkages, unlocking. */
export const customerApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: ScopeChecks) => {
  router.post('/customers/lookup', scope.read, deps.parseJson(customerLookupBodySchema), async (ctx) => {
    const body = ctx.state.body;
    const customerId = await deps.ops.customers.lookup(body);
    if (!customerId) throw new ResourceError(404, 'not_found', 'No customer has this account.');
    ctx.body = { customerId };
  });

  router.get('/customers/:customerId/linkages', scope.read, async (ctx) => {
    ctx.body = {
      customerId: ctx.params.customerId,
      linkages: (await deps.ops.linkages.ofCustomer(ctx.params.customerId)).map(linkageJson),
    };
  });

  // Every linkage the records know of, ended ones with who ended them and why, and the consent evidence.
  router.get('/customers/:customerId/linkage-history', scope.read, async (ctx) => {
    ctx.body = {
      customerId: ctx.params.customerId,
      linkages: await deps.ops.audit.linkageHistory(ctx.params.customerId),
    };
  });

  router.post('/customers/:customerId/linkages/end', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    ctx.body = { ended: await deps.ops.linkages.endCustomer(ctx.params.customerId, body.reason, ctx.state.actor) };
  });

  router.post('/customers/unlock', scope.write, deps.parseJson(unlockBodySchema), async (ctx) => {
    const { reason, ...ref } = ctx.state.body;
    await deps.ops.customers.unlock(ref, reason, ctx.state.actor);
    ctx.body = { unlocked: true };
  });
};
