import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';
import { linkageJson, partnerJson } from '../representations.ts';
import { partnerSaveBodySchema, reasonBodySchema } from '../schemas.ts';

/** Partners: state and source, add or replace a definition, suspend, reinstate, remove, their linkages. */
export const partnerApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: ScopeChecks) => {
  router.get('/partners', scope.read, async (ctx) => {
    ctx.body = { partners: (await deps.ops.partners.list()).map(partnerJson) };
  });

  router.get('/partners/:clientId', scope.read, async (ctx) => {
    ctx.body = partnerJson(await deps.ops.partners.view(ctx.params.clientId));
  });

  // PUT creates or replaces: 201 when the partner is new.
  router.put('/partners/:clientId', scope.write, deps.parseJson(partnerSaveBodySchema), async (ctx) => {
    const body = ctx.state.body;
    const { clientId } = ctx.params;
    const exists = (await deps.ops.partners.find(clientId)) !== undefined;
    await deps.ops.partners.save(clientId, body.definition, body.reason, ctx.state.actor, { create: !exists });
    ctx.status = exists ? 200 : 201;
    ctx.body = partnerJson(await deps.ops.partners.view(clientId));
  });

  router.post('/partners/:clientId/suspend', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    await deps.ops.partners.suspend(ctx.params.clientId, body.reason, ctx.state.actor);
    ctx.body = partnerJson(await deps.ops.partners.view(ctx.params.clientId));
  });

  router.post('/partners/:clientId/reinstate', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    await deps.ops.partners.reinstate(ctx.params.clientId, body.reason, ctx.state.actor);
    ctx.body = partnerJson(await deps.ops.partners.view(ctx.params.clientId));
  });

  router.post('/partners/:clientId/remove', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    ctx.body = { ended: await deps.ops.partners.remove(ctx.params.clientId, body.reason, ctx.state.actor) };
  });

  router.get('/partners/:clientId/linkages', scope.read, async (ctx) => {
    await deps.ops.partners.view(ctx.params.clientId);
    ctx.body = {
      partnerId: ctx.params.clientId,
      linkages: (await deps.ops.linkages.ofPartner(ctx.params.clientId)).map(linkageJson),
    };
  });

  router.post('/partners/:clientId/linkages/end', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    ctx.body = { ended: await deps.ops.linkages.endPartner(ctx.params.clientId, body.reason, ctx.state.actor) };
  });
};
