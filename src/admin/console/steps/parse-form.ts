import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readPostedForm } from '../../../http/posted-form.ts';
import type { ConsoleDeps, ConsoleRequest } from '../deps.ts';
import { renderError } from '../pages.ts';

/**
 * Reads a posted console form. The CSRF token is checked first, against the session's: a forged
 * or replayed post is refused (403) before anything else is looked at. Then the form must match
 * its JSON Schema; `onInvalid` decides what the staff member sees when it does not.
 */
export const parseForm = (
  deps: Pick<ConsoleDeps, 'render' | 'ajv'>,
  schema: AnySchema & { $id: string },
  options: { onInvalid?: Middleware; arrays?: string[] } = {},
): Middleware => {
  const validate = deps.ajv.getSchema(schema.$id) ?? deps.ajv.compile(schema);
  return async (ctx, next) => {
    const request = ctx.state.console as ConsoleRequest;
    const posted = await readPostedForm(ctx, {
      expectedCsrf: request.session?.csrf,
      validate,
      dropEmpty: true,
      arrays: options.arrays,
    });
    if (posted.outcome === 'csrf_mismatch') return renderError(deps, ctx, 'csrf');
    request.form = posted.form;
    if (posted.outcome === 'invalid')
      return options.onInvalid ? options.onInvalid(ctx, next) : renderError(deps, ctx, 'invalid_request');
    await next();
  };
};
