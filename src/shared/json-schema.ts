import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats ships CommonJS: under native ESM the default import is its module.exports, the plugin
// itself, which also carries the plugin as `default` (what its types describe).
export const addFormats = addFormatsModule.default;

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
