import type { Middleware } from 'koa';
import { can, type Permission } from '../../permissions.ts';
import type { ConsoleDeps, SignedInRequest } from '../deps.ts';
import { renderError } from '../pages.ts';

/** The staff member's role must allow the action; otherwise 403 and nothing happens. */
export const requirePermission =
  (deps: Pick<ConsoleDeps, 'render'>, permission: Permission): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.console as SignedInRequest;
    if (!can(request.staff.role, permission)) return renderError(deps, ctx, 'forbidden');
    await next();
  };
