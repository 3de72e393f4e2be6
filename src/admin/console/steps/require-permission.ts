import type { Middleware } from 'koa';
import { can, type Permission } from '../../permissions.ts';
import { signedInRequest, type ConsoleDeps } from '../deps.ts';
import { renderError } from '../pages.ts';

/** The staff member's role must allow the action; otherwise 403 and nothing happens. */
export const requirePermission =
  (deps: Pick<ConsoleDeps, 'render'>, permission: Permission): Middleware =>
  async (ctx, next) => {
    const request = signedInRequest(ctx.state.console);
    if (!can(request.staff.role, permission)) return renderError(deps, ctx, 'forbidden');
    await next();
  };
