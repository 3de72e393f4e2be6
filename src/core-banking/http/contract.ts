import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { addFormats } from '../../shared/json-schema.ts';
import { isRecord } from '../../shared/unknown-json.ts';
import type {
  Account,
  Balance,
  Customer,
  CustomerContact,
  IdentityCheckOutcome,
  IneligibilityReason,
  LoginAccountType,
  TimeDeposit,
  Transaction,
} from '../port.ts';

/** Where the contract lives, relative to the repository (and the image's /app). */
export const GATEWAY_CONTRACT_FILE = 'docs/openapi/core-banking-gateway.json';

interface LoginAccount {
  branchCode: string;
  accountType: LoginAccountType;
  accountNumber: string;
}

/**
 * The component schemas of the contract the server uses, and the type each one describes. The
 * document is JSON read at run time, so its types cannot be derived from it: they are written here
 * once, in the port's terms, and ajv's validator of the schema is what narrows a value to its type
 * (every request the reference gateway takes and every answer the connector reads is validated).
 */
export interface GatewaySchemas {
  ErrorResponse: { errorCode: string; errorMessage: string };
  LoginAccount: LoginAccount;
  IdentityCheckRequest: LoginAccount & { pin: string };
  IdentityCheckResult: { result: IdentityCheckOutcome['result']; customerId?: string; accountId?: string };
  AccountLookupResult: { customerId: string; accountId: string };
  OneTimeCodeCheckRequest: { code: string; windowSteps?: number };
  OneTimeCodeCheckResult: { result: 'valid' | 'invalid'; timeStep?: number };
  Customer: Customer;
  CustomerList: { customers: Customer[] };
  Eligibility: { eligible: boolean; reason?: IneligibilityReason };
  Account: Account;
  AccountList: { accounts: Account[] };
  Balance: Balance;
  TransactionPage: { transactions: Transaction[]; nextCursor?: string };
  TimeDepositList: { timeDeposits: TimeDeposit[] };
  Contact: CustomerContact;
  AsOf: { asOf: string };
}

export interface GatewayContract {
  /** The OpenAPI document itself. */
  document: Record<string, unknown>;
  /** A validator for one of its component schemas, by name (IdentityCheckResult, Account, ...). */
  schema<N extends keyof GatewaySchemas>(name: N): ValidateFunction<GatewaySchemas[N]>;
}

/**
 * The gateway's OpenAPI document, with its component schemas compiled once: the connector checks
 * every answer against it (a gateway bug must not reach a partner) and the reference gateway every
 * request. The document is the single source: nothing here restates a field.
 */
export const loadGatewayContract = (rootDir: string): GatewayContract => {
  const document: unknown = JSON.parse(readFileSync(join(rootDir, GATEWAY_CONTRACT_FILE), 'utf8'));
  if (!isRecord(document)) throw new Error(`${GATEWAY_CONTRACT_FILE} is not an OpenAPI document`);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(document, 'gateway');
  return {
    document,
    schema<N extends keyof GatewaySchemas>(name: N) {
      // ajv compiles a referenced schema on its first use and keeps it: later calls are a look-up.
      const validate = ajv.getSchema<GatewaySchemas[N]>(`gateway#/components/schemas/${name}`);
      if (!validate) throw new Error(`the gateway contract has no schema ${name}`);
      return validate;
    },
  };
};

export const describeErrors = (validate: { errors?: ValidateFunction['errors'] }): string =>
  (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
