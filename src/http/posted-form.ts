import { timingSafeEqual } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import type { Context } from 'koa';
import { readForm } from './form-body.ts';

/** Constant-time comparison of a posted CSRF token with the expected one. */
export const sameToken = (given: unknown, expected: string | undefined) => {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

export type PostedForm =
  | { outcome: 'csrf_mismatch' }
  | { outcome: 'invalid'; form: Record<string, unknown> }
  | { outcome: 'valid'; form: Record<string, unknown> };

/**
 * Reads a posted form for one of our pages. The CSRF token is checked first, so a forged post
 * learns nothing about the other fields; then the form must match its JSON Schema. Each page
 * decides what to show for each outcome.
 */
export const readPostedForm = async (
  ctx: Context,
  options: { expectedCsrf: string | undefined; validate: ValidateFunction; arrays?: string[]; dropEmpty?: boolean },
): Promise<PostedForm> => {
  const form: Record<string, unknown> = { ...(await readForm(ctx)) };
  if (!sameToken(form.csrf, options.expectedCsrf)) return { outcome: 'csrf_mismatch' };
  for (const name of options.arrays ?? []) if (name in form && !Array.isArray(form[name])) form[name] = [form[name]];
  // Optional fields left empty in the page are absent, not blank.
  if (options.dropEmpty)
    for (const [name, value] of Object.entries(form)) if (value === '' && name !== 'csrf') delete form[name];
  return { outcome: options.validate(form) ? 'valid' : 'invalid', form };
};
