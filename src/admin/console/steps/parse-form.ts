import { timingSafeEqual } from 'node:crypto';
import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readForm } from '../../../http/form-body.ts';
import type { ConsoleDeps, ConsoleRequest } from '../deps.ts';
import { renderError } from '../pages.ts';

const sameToken = (given: unknown, expected: string | undefined) => {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Reads a posted console form. The CSRF token is checked first, against the session's: a forged
 * or replayed post is refused (403) before anything else is looked at. Then the form must match
 * its JSON Schema; `onInvalid` decides what the staff member sees when it does not.
 */
export const parseForm = (
  deps: Pick<ConsoleDeps, 'render' | 'ajv'>,
  schema: AnySchema & { $id: string },
  options: { onInvalid?: Middleware } = {},
): Middleware => {
  const validate = deps.ajv.getSchema(schema.$id) ?? deps.ajv.compile(schema);
  return async (ctx, next) => {
    const request = ctx.state.console as ConsoleRequest;
    const form: Record<string, unknown> = { ...(await readForm(ctx)) };
    if (!sameToken(form.csrf, request.session?.csrf)) return renderError(deps, ctx, 'csrf');
    // Optional fields left empty in the page are absent, not blank.
    for (const [name, value] of Object.entries(form)) if (value === '' && name !== 'csrf') delete form[name];
    request.form = form;
    if (!validate(form)) return options.onInvalid ? options.onInvalid(ctx, next) : renderError(deps, ctx, 'invalid_request');
    await next();
  };
};
