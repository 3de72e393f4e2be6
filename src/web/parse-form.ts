import { timingSafeEqual } from 'node:crypto';
import type { Ajv, SchemaObject } from 'ajv';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import { readForm } from '../http/form-body.ts';

/** Constant-time comparison of a posted CSRF token with the expected one. */
export const sameToken = (given: unknown, expected: string | undefined) => {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** A posted form's JSON Schema: an object with an $id. The form's type is derived from it (FromSchema). */
export type FormSchema = JSONSchema & { readonly $id: string; readonly type: 'object' };

/** What parseForm leaves on ctx.state: the fields as posted, and the form typed by its schema once it matched. */
export interface PostedFormState<F> {
  /** The fields as posted, valid or not: a page shown again shows them back. */
  posted: Record<string, unknown>;
  /** Only read after parseForm called next(), which it does only for a form that matched its schema. */
  form: F;
}

/** How one surface reads its forms: where its CSRF token is, and what a forged post sees. */
export interface FormSurface<S> {
  csrf(ctx: ParameterizedContext<S>): string | undefined;
  onCsrfMismatch(ctx: ParameterizedContext<S>): unknown;
  /** What a form that does not match sees, unless the route says otherwise. */
  onInvalid?(ctx: ParameterizedContext<S>): unknown;
  /** Optional fields left empty in the page are absent, not blank. */
  dropEmpty?: boolean;
}

export interface FormOptions<S> {
  /** Fields that may repeat (check boxes): always arrays. */
  arrays?: string[];
  onInvalid?: (ctx: ParameterizedContext<S & Pick<PostedFormState<unknown>, 'posted'>>, next: Next) => unknown;
}

/**
 * One surface's `parseForm(schema)` step: the CSRF token is checked first, so a forged post learns
 * nothing about the other fields; then the form must match its JSON Schema, and only then does
 * the route go on, with `ctx.state.form` typed by that schema. A form that does not match goes to
 * `onInvalid` (each route decides what a person sees), never further.
 */
export const formParser =
  <S>(ajv: Ajv, surface: FormSurface<S>) =>
  <const Schema extends FormSchema, F = FromSchema<Schema>>(
    schema: Schema,
    options: FormOptions<S> = {},
  ): Middleware<S & PostedFormState<F>> => {
    // Compiled as a plain schema object: ajv's own JSONSchemaType<F> is not needed (FromSchema gave F).
    const plain: SchemaObject = schema;
    const validate = ajv.compile<F>(plain);
    return async (ctx, next) => {
      const posted: Record<string, unknown> = { ...(await readForm(ctx)) };
      if (!sameToken(posted.csrf, surface.csrf(ctx))) return surface.onCsrfMismatch(ctx);
      for (const name of options.arrays ?? [])
        if (name in posted && !Array.isArray(posted[name])) posted[name] = [posted[name]];
      if (surface.dropEmpty)
        for (const [name, value] of Object.entries(posted)) if (value === '' && name !== 'csrf') delete posted[name];
      ctx.state.posted = posted;
      if (validate(posted)) {
        ctx.state.form = posted;
        return next();
      }
      if (options.onInvalid) return options.onInvalid(ctx, next);
      if (surface.onInvalid) return surface.onInvalid(ctx);
      throw new Error(`no answer for an invalid ${schema.$id}`);
    };
  };
