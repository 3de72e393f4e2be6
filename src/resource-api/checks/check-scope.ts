import type { Middleware } from 'koa';
import type { ResourceRequest } from '../context.ts';
import { ResourceError } from '../errors.ts';

/** The route's information category must be among what the customer agreed to. */
export const checkScope =
  (scope: string): Middleware =>
  async (ctx, next) => {
    const request = ctx.state.resource as ResourceRequest;
    if (!(request.payload.scope ?? '').split(' ').includes(scope)) {
      throw new ResourceError(403, 'insufficient_scope', `This call needs the "${scope}" scope.`, {
        authError: 'insufficient_scope',
        headers: { 'x-required-scope': scope },
      });
    }
    request.route = ctx.routerPath ?? ctx.path;
    await next();
  };
