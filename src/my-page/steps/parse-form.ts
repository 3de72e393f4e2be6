import { timingSafeEqual } from 'node:crypto';
import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readForm } from '../../http/form-body.ts';
import type { MyPageDeps, MyPageRequest } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';

const sameToken = (given: unknown, expected: string | undefined) => {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

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
    const form: Record<string, unknown> = { ...(await readForm(ctx)) };
    if (!sameToken(form.csrf, request.session?.csrf)) {
      return renderErrorPage(deps, ctx, { status: 403, code: 'csrf_token_mismatch', messageKey: 'my.error.session' });
    }
    request.form = form;
    if (!validate(form)) return options.onInvalid(ctx, next);
    await next();
  };
};
