import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readPostedForm } from '../../http/posted-form.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';

/**
 * Reads the posted form: the interaction's CSRF token first, then its JSON Schema. A form that
 * does not match goes to `onInvalid` (each step decides what a customer sees), never further.
 */
export const parseForm = (
  deps: InteractionDeps,
  schema: AnySchema & { $id: string },
  options: { arrays?: string[]; onInvalid: Middleware },
): Middleware => {
  const validate = deps.ajv.getSchema(schema.$id) ?? deps.ajv.compile(schema);
  return async (ctx, next) => {
    const request = ctx.state.interaction as InteractionRequest;
    const posted = await readPostedForm(ctx, { expectedCsrf: request.state.csrf, validate, arrays: options.arrays });
    if (posted.outcome === 'csrf_mismatch') {
      return renderErrorPage(deps, ctx, {
        locale: request.locale,
        status: 403,
        code: 'csrf_token_mismatch',
        messageKey: 'error.session',
      });
    }
    request.form = posted.form;
    if (posted.outcome === 'invalid') return options.onInvalid(ctx, next);
    return next();
  };
};
