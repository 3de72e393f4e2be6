/**
 * Guards for JSON whose shape no schema has checked yet (a file read only to look for something,
 * a third party's answer): they look before they narrow, so nothing is assumed.
 */

/** A JSON object (not null, not an array). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One field of a value that may be an object, or undefined. */
export const fieldOf = (value: unknown, name: string): unknown => (isRecord(value) ? value[name] : undefined);

/** The objects of a value that may be an array: anything else in it is left out. */
export const recordsOf = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter(isRecord) : [];

/** A field that must be a string, or undefined. */
export const stringField = (value: unknown, name: string): string | undefined => {
  const field = fieldOf(value, name);
  return typeof field === 'string' ? field : undefined;
};

/** An array of strings only. */
export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

type Primitives = { string: string; number: number; boolean: boolean };

/** Absent, or of the given primitive type: an optional member of a record read back. */
export const isOptional = <K extends keyof Primitives>(value: unknown, type: K): value is Primitives[K] | undefined =>
  value === undefined || typeof value === type;
