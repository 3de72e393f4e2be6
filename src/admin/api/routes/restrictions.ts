import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';
import { restrictionJson } from '../representations.ts';
import { maintenanceWindowBodySchema, reasonBodySchema, restrictionBodySchema } from '../schemas.ts';

/** Terms 7.3 restrictions: list, set, lift; and operators' one-off maintenance windows. */
export const restrictionApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: ScopeChecks) => {
  router.get('/restrictions', scope.read, async (ctx) => {
    ctx.body = { restrictions: (await deps.ops.service.list()).map(restrictionJson) };
  });

  router.post('/restrictions', scope.write, deps.parseJson(restrictionBodySchema), async (ctx) => {
    const body = ctx.state.body;
    const restriction = await deps.ops.service.set(
      {
        scope: body.scope,
        message: body.message,
        until: body.until === undefined ? undefined : Date.parse(body.until),
        reason: body.reason,
      },
      ctx.state.actor,
    );
    ctx.status = 201;
    ctx.body = restrictionJson(restriction);
  });

  router.get('/maintenance-windows', scope.read, async (ctx) => {
    ctx.body = { windows: await deps.ops.service.windows.list() };
  });

  router.post('/maintenance-windows', scope.write, deps.parseJson(maintenanceWindowBodySchema), async (ctx) => {
    const body = ctx.state.body;
    ctx.status = 201;
    ctx.body = await deps.ops.service.windows.add(body, ctx.state.actor);
  });

  router.post('/maintenance-windows/:id/remove', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    await deps.ops.service.windows.remove(ctx.params.id, body.reason, ctx.state.actor);
    ctx.body = { id: ctx.params.id, removed: true };
  });

  router.post('/restrictions/:id/lift', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    await deps.ops.service.lift(ctx.params.id, body.reason, ctx.state.actor);
    ctx.body = { id: ctx.params.id, lifted: true };
  });
};
