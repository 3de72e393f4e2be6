import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { addFormats } from '../../shared/json-schema.ts';

/** Where the contract lives, relative to the repository (and the image's /app). */
export const GATEWAY_CONTRACT_FILE = 'docs/openapi/core-banking-gateway.json';

export interface GatewayContract {
  /** The OpenAPI document itself. */
  document: Record<string, unknown>;
  /** A validator for one of its component schemas, by name (IdentityCheckResult, Account, ...). */
  schema(name: string): ValidateFunction;
}

/**
 * The gateway's OpenAPI document, with its component schemas compiled once: the connector checks
 * every answer against it (a gateway bug must not reach a partner) and the reference gateway every
 * request. The document is the single source: nothing here restates a field.
 */
export const loadGatewayContract = (rootDir: string): GatewayContract => {
  const document = JSON.parse(readFileSync(join(rootDir, GATEWAY_CONTRACT_FILE), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'gateway');
  const compiled = new Map<string, ValidateFunction>();
  return {
    document,
    schema(name) {
      let validate = compiled.get(name);
      if (!validate) {
        validate = ajv.getSchema(`gateway#/components/schemas/${name}`);
        if (!validate) throw new Error(`the gateway contract has no schema ${name}`);
        compiled.set(name, validate);
      }
      return validate;
    },
  };
};

export const describeErrors = (validate: ValidateFunction): string =>
  (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
