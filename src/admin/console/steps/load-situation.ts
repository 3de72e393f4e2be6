import type { Middleware } from 'koa';
import type { ConsoleDeps, ConsoleRequest } from '../deps.ts';

/**
 * Every page behind the login shows what an operator has closed right now (restrictions in force,
 * maintenance windows under way): read on each request, so a restriction set on another instance
 * shows at the next page.
 */
export const loadSituation =
  (deps: Pick<ConsoleDeps, 'ops'>): Middleware =>
  async (ctx, next) => {
    const request: ConsoleRequest = ctx.state.console;
    request.situation = await deps.ops.desk.situation();
    await next();
  };
