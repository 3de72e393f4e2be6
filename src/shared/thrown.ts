/**
 * What a caught value says of itself. `catch` gives `unknown`: a thrown value need not be an Error,
 * and one from another realm (a vm context, a worker) fails `instanceof Error`, so these look at
 * the shape instead.
 */
export interface ErrorLike {
  name: string;
  message: string;
  code?: unknown;
}

/** An Error, or anything shaped like one (a name and a message). */
export const isErrorLike = (thrown: unknown): thrown is ErrorLike =>
  typeof thrown === 'object' &&
  thrown !== null &&
  'message' in thrown &&
  typeof thrown.message === 'string' &&
  'name' in thrown &&
  typeof thrown.name === 'string';

/** The message of a thrown Error, or the thrown value as text: for a log line or a refusal. */
export const messageOf = (thrown: unknown): string => (isErrorLike(thrown) ? thrown.message : String(thrown));

/** The name of a thrown Error (`TimeoutError`, `AbortError`), or its type when it is not one. */
export const nameOf = (thrown: unknown): string => (isErrorLike(thrown) ? thrown.name : typeof thrown);

/** A Node system error's code (`ENOENT`, `ECONNREFUSED`), when the thrown value has one. */
export const codeOf = (thrown: unknown): string | undefined =>
  typeof thrown === 'object' && thrown !== null && 'code' in thrown && typeof thrown.code === 'string'
    ? thrown.code
    : undefined;
