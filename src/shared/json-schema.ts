import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS with a default export; under native ESM it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * One ajv instance per process, created by the composition root's callers and shared: compiling a
 * schema is costly, validating is cheap. `useDefaults` fills documented defaults into config.
 */
export const createAjv = (): Ajv => {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    discriminator: true,
  });
  addFormats(ajv);
  return ajv;
};

export type { ValidateFunction };
