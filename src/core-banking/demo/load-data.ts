import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { demoCoreBankingSchema, type DemoCoreBankingData } from './data-schema.ts';

/**
 * Checks a value against `demoCoreBankingSchema` and answers it typed; throws listing every
 * violation. Cross-references are checked when the data is used (createDemoCoreBanking).
 */
export const parseDemoCoreBankingData = (value: unknown, source: string): DemoCoreBankingData => {
  const validate = new Ajv({ allErrors: true }).compile(demoCoreBankingSchema);
  if (!validate(value)) {
    const details = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new Error(`${source} is not valid demo core-banking data: ${details}`);
  }
  return value;
};

/**
 * Reads a demo data file (config/demo/core-banking.json) for tools and tests; the server's config
 * loader validates the same file with `demoCoreBankingSchema` itself.
 */
export const loadDemoCoreBankingData = (path: string): DemoCoreBankingData =>
  parseDemoCoreBankingData(JSON.parse(readFileSync(path, 'utf8')), path);
