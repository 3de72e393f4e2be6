/** An array of strings, every member checked. */
export const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((member) => typeof member === 'string');

/**
 * A value this module wrote to the store, read back and checked by `isValid`: one that fails is
 * not used as if it were good (a store holding something else under the key is a fault to see).
 */
export const parseStored = <T>(raw: string, isValid: (value: unknown) => value is T, key: string): T => {
  const value: unknown = JSON.parse(raw);
  if (!isValid(value)) throw new TypeError(`the store holds something else than expected under ${key}`);
  return value;
};
