import type { Middleware } from 'koa';
import { ResourceError } from '../errors.ts';
import type { TokenState } from './token-request.ts';

/** The route needs this scope among the token's (for a partner: what the customer agreed to). */
export const checkScope =
  (scope: string): Middleware<TokenState> =>
  async (ctx, next) => {
    if (!(ctx.state.token.scope ?? '').split(' ').includes(scope)) {
      throw new ResourceError(403, 'insufficient_scope', `This call needs the "${scope}" scope.`, {
        authError: 'insufficient_scope',
        headers: { 'x-required-scope': scope },
      });
    }
    await next();
  };
