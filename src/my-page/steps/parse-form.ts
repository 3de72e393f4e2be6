import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readPostedForm } from '../../http/posted-form.ts';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';

/**
 * Reads a posted form. The CSRF token is checked first, against the session's: a forged post
 * is refused (403) before anything else is looked at. Then the form must match its JSON Schema;
 * `onInvalid` decides what the customer sees when it does not.
 */
export const parseForm = (
  deps: Pick<MyPageDeps, 'ajv' | 'render'>,
  schema: AnySchema & { $id: string },
  options: { onInvalid: Middleware },
): Middleware => {
  const validate = deps.ajv.getSchema(schema.$id) ?? deps.ajv.compile(schema);
  return async (ctx, next) => {
    const request = ctx.state.myPage as MyPageRequest;
    const posted = await readPostedForm(ctx, { expectedCsrf: request.session?.csrf, validate });
    if (posted.outcome === 'csrf_mismatch') {
      return renderErrorPage(deps, ctx, { status: 403, code: 'csrf_token_mismatch', messageKey: 'my.error.session' });
    }
    request.form = posted.form;
    if (posted.outcome === 'invalid') return options.onInvalid(ctx, next);
    await next();
  };
};
