import type { Middleware } from 'koa';
import { OperationError } from '../../operations/index.ts';
import type { ConsoleDeps } from '../deps.ts';
import { renderError } from '../pages.ts';

/** An operation refused (unknown id, invalid input, conflict) becomes the console's error page. */
export const operationErrors =
  (deps: Pick<ConsoleDeps, 'render'>): Middleware =>
  async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      if (!(e instanceof OperationError)) throw e;
      renderError(deps, ctx, e.code, e.problems);
    }
  };
