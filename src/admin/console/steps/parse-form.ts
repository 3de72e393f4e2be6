import { formParser, type FormOptions, type FormSchema } from '../../../web/parse-form.ts';
import type { ConsoleDeps, ConsoleRouteState } from '../deps.ts';
import { renderError } from '../pages.ts';

/**
 * The console's `parseForm(schema)` (src/web/parse-form.ts): the CSRF token is the session's, a
 * forged or replayed post sees the CSRF error page, optional fields left empty are absent, and a
 * form that does not match its schema answers `invalid_request` unless the route says otherwise.
 */
export const consoleForms = (deps: Pick<ConsoleDeps, 'render' | 'ajv'>) => {
  const parse = formParser<ConsoleRouteState>(deps.ajv, {
    csrf: (ctx) => ctx.state.console.session?.csrf,
    onCsrfMismatch: (ctx) => renderError(deps, ctx, 'csrf'),
    onInvalid: (ctx) => renderError(deps, ctx, 'invalid_request'),
    dropEmpty: true,
  });
  return <const Schema extends FormSchema>(schema: Schema, options?: FormOptions<ConsoleRouteState>) =>
    parse(schema, options);
};

export type ConsoleForms = ReturnType<typeof consoleForms>;
