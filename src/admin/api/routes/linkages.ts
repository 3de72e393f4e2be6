import { ResourceError } from '../../../web/errors.ts';
import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';
import { endedLinkageJson, linkageDetailJson } from '../representations.ts';
import { reasonBodySchema } from '../schemas.ts';

/** One linkage: its detail (or how it ended), and ending it. */
export const linkageApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: ScopeChecks) => {
  router.get('/linkages/:grantId', scope.read, async (ctx) => {
    const found = await deps.ops.linkages.detail(ctx.params.grantId);
    if (!found) throw new ResourceError(404, 'not_found', 'No linkage has this id.');
    ctx.body = found.state === 'live' ? linkageDetailJson(found.linkage) : endedLinkageJson(found.ending);
  });

  router.post('/linkages/:grantId/end', scope.write, deps.parseJson(reasonBodySchema), async (ctx) => {
    const body = ctx.state.body;
    await deps.ops.linkages.end(ctx.params.grantId, body.reason, ctx.state.actor);
    ctx.body = { grantId: ctx.params.grantId, ended: true };
  });
};
