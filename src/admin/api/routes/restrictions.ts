import type { RestrictionScope } from '../../../availability/index.ts';
import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';
import { restrictionJson } from '../representations.ts';
import type { OneOffWindow } from '../../../calendar/index.ts';
import {
  maintenanceWindowBodySchema,
  reasonBodySchema,
  restrictionBodySchema,
  type MaintenanceWindowBody,
  type ReasonBody,
  type RestrictionBody,
} from '../schemas.ts';

/** Terms 7.3 restrictions: list, set, lift; and operators' one-off maintenance windows. */
export const restrictionApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: ScopeChecks) => {
  router.get('/restrictions', scope.read, async (ctx) => {
    ctx.body = { restrictions: (await deps.ops.service.list()).map(restrictionJson) };
  });

  router.post('/restrictions', scope.write, async (ctx) => {
    const body = await deps.readBody<RestrictionBody>(ctx, restrictionBodySchema);
    const restriction = await deps.ops.service.set(
      {
        scope: body.scope as RestrictionScope,
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

  router.post('/maintenance-windows', scope.write, async (ctx) => {
    const body = await deps.readBody<MaintenanceWindowBody>(ctx, maintenanceWindowBodySchema);
    ctx.status = 201;
    ctx.body = await deps.ops.service.windows.add(body as OneOffWindow, ctx.state.actor);
  });

  router.post('/maintenance-windows/:id/remove', scope.write, async (ctx) => {
    const body = await deps.readBody<ReasonBody>(ctx, reasonBodySchema);
    await deps.ops.service.windows.remove(ctx.params.id, body.reason, ctx.state.actor);
    ctx.body = { id: ctx.params.id, removed: true };
  });

  router.post('/restrictions/:id/lift', scope.write, async (ctx) => {
    const body = await deps.readBody<ReasonBody>(ctx, reasonBodySchema);
    await deps.ops.service.lift(ctx.params.id, body.reason, ctx.state.actor);
    ctx.body = { id: ctx.params.id, lifted: true };
  });
};
