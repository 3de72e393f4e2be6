import type { AnySchema } from 'ajv';
import type { Middleware } from 'koa';
import { readForm } from '../../http/form-body.ts';
import type { InteractionDeps, InteractionRequest } from '../deps.ts';
import { renderErrorPage } from '../pages.ts';

/**
 * Reads the posted form and checks it against its JSON Schema. A form that does not match goes to
 * `onInvalid` (each step decides what a customer sees), never further.
 */
export const parseForm = (
  deps: InteractionDeps,
  schema: AnySchema & { $id: string },
  options: { arrays?: string[]; onInvalid: Middleware },
): Middleware => {
  const validate = deps.ajv.getSchema(schema.$id) ?? deps.ajv.compile(schema);
  return async (ctx, next) => {
    const request = ctx.state.interaction as InteractionRequest;
    const raw = await readForm(ctx);
    const form: Record<string, unknown> = { ...raw };
    for (const name of options.arrays ?? []) if (name in form && !Array.isArray(form[name])) form[name] = [form[name]];
    // The CSRF token is checked first: a forged post learns nothing about the other fields.
    if (typeof form.csrf !== 'string' || form.csrf !== request.state.csrf) {
      return renderErrorPage(deps, ctx, { locale: request.locale, status: 403, code: 'csrf_token_mismatch', messageKey: 'error.session' });
    }
    request.form = form;
    if (!validate(form)) return options.onInvalid(ctx, next);
    return next();
  };
};
