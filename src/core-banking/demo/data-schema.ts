import type { JSONSchemaType } from 'ajv';
import { ACCOUNT_TYPES, LIQUID_ACCOUNT_TYPES, type AccountStatus, type AccountType } from '../port.ts';

/**
 * The shape of config/demo/core-banking.json (written by src/cli/generate-demo-data.ts).
 * The TS types are kept next to the schema; `JSONSchemaType` makes the compiler reject the two
 * when they drift apart. Amounts are integer yen.
 */
export interface DemoTimeDepositData {
  depositNumber: string;
  /** The first deposit date; automatic renewals roll forward from it by `termMonths`. */
  depositDate: string;
  termMonths: number;
  principal: number;
  /** Percent per year as a decimal string, e.g. "0.125" (no float rounding in the file). */
  interestRate: string;
  interestType: 'simple' | 'compound';
  renewalType: 'principal_and_interest' | 'principal_only' | 'none';
}

/** Regular income that drives an ordinary account's generated history. */
export interface DemoIncomeData {
  kind: 'salary' | 'pension';
  /** Per payment: monthly for a salary, two months' worth for a pension. */
  amount: number;
  /** Payer as printed on a statement (half-width kana), e.g. "ｶ)ｸｼﾛｽｲｻﾝ". */
  payer: string;
}

export interface DemoAccountData {
  accountId: string;
  branchCode: string;
  accountType: AccountType;
  accountNumber: string;
  status: AccountStatus;
  cashCardIssued: boolean;
  /** argon2id hash of the PIN; an account without one cannot be used to log in. */
  pinHash?: string;
  /** Liquid accounts: the balance at the start of `historyStart` (card loan: the loan balance). */
  openingBalance?: number;
  /** Card loans only. */
  creditLimit?: number;
  /** Ordinary accounts only. */
  income?: DemoIncomeData;
  /** Time-deposit accounts only. */
  timeDeposits?: DemoTimeDepositData[];
}

export interface DemoCustomerData {
  customerId: string;
  name: string;
  nameKana: string;
  restricted: boolean;
  /** RFC 6238 secret, base32 without padding. */
  totpSecret?: string;
  /** Where notices go (the demo outbox stands in for e-mail; optional). */
  email?: string;
  accounts: DemoAccountData[];
}

export interface DemoCoreBankingData {
  /** First day (JST) of every generated transaction history. */
  historyStart: string;
  /** Branch code (店番) → branch name. */
  branches: Record<string, string>;
  customers: DemoCustomerData[];
}

const DATE = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
const YEN = { type: 'integer', minimum: 0, maximum: 1e12 } as const;
const LIQUID_NOT_LOAN = LIQUID_ACCOUNT_TYPES.filter((type) => type !== 'card_loan');

const timeDepositSchema: JSONSchemaType<DemoTimeDepositData> = {
  type: 'object',
  additionalProperties: false,
  required: ['depositNumber', 'depositDate', 'termMonths', 'principal', 'interestRate', 'interestType', 'renewalType'],
  properties: {
    depositNumber: { type: 'string', pattern: '^\\d{3}$' },
    depositDate: { type: 'string', pattern: DATE },
    termMonths: { type: 'integer', minimum: 1, maximum: 120 },
    principal: { ...YEN, minimum: 1 },
    interestRate: { type: 'string', pattern: '^\\d{1,2}\\.\\d{1,3}$' },
    interestType: { type: 'string', enum: ['simple', 'compound'] },
    renewalType: { type: 'string', enum: ['principal_and_interest', 'principal_only', 'none'] },
  },
};

const accountProperties: JSONSchemaType<DemoAccountData>['properties'] = {
  accountId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
  branchCode: { type: 'string', pattern: '^\\d{3}$' },
  accountType: { type: 'string', enum: [...ACCOUNT_TYPES] },
  accountNumber: { type: 'string', pattern: '^\\d{7}$' },
  status: { type: 'string', enum: ['active', 'frozen', 'closed'] },
  cashCardIssued: { type: 'boolean' },
  pinHash: { type: 'string', pattern: '^\\$argon2id\\$', nullable: true },
  openingBalance: { ...YEN, nullable: true },
  creditLimit: { ...YEN, minimum: 1, nullable: true },
  income: {
    type: 'object',
    nullable: true,
    additionalProperties: false,
    required: ['kind', 'amount', 'payer'],
    properties: {
      kind: { type: 'string', enum: ['salary', 'pension'] },
      amount: { ...YEN, minimum: 1 },
      payer: { type: 'string', minLength: 1, maxLength: 48 },
    },
  },
  timeDeposits: { type: 'array', nullable: true, items: timeDepositSchema },
};

/**
 * "These fields must be present": `required` plus the fields' own schemas, so that ajv's
 * strictRequired (on under `strict: true`) sees them defined where they are required.
 */
const requires = (...fields: (keyof DemoAccountData)[]) => ({
  properties: Object.fromEntries(fields.map((field) => [field, accountProperties[field]])),
  required: fields,
});

const accountSchema: JSONSchemaType<DemoAccountData> = {
  type: 'object',
  additionalProperties: false,
  required: ['accountId', 'branchCode', 'accountType', 'accountNumber', 'status', 'cashCardIssued'],
  properties: accountProperties,
  // Which optional fields each account type needs, and which it must not have.
  allOf: [
    {
      if: { properties: { accountType: { const: 'card_loan' } } },
      then: requires('openingBalance', 'creditLimit'),
      else: { not: requires('creditLimit') },
    },
    {
      if: { properties: { accountType: { enum: LIQUID_NOT_LOAN } } },
      then: requires('openingBalance'),
    },
    {
      if: { properties: { accountType: { const: 'time_deposit' } } },
      then: { ...requires('timeDeposits'), not: requires('openingBalance') },
      else: { not: requires('timeDeposits') },
    },
    {
      if: { properties: { accountType: { const: 'ordinary' } } },
      else: { not: requires('income') },
    },
  ],
};

const customerSchema: JSONSchemaType<DemoCustomerData> = {
  type: 'object',
  additionalProperties: false,
  required: ['customerId', 'name', 'nameKana', 'restricted', 'accounts'],
  properties: {
    customerId: { type: 'string', pattern: '^[0-9]{10}$' },
    name: { type: 'string', minLength: 1, maxLength: 60 },
    nameKana: { type: 'string', pattern: '^[\\u30A0-\\u30FF\\u3000 ]+$' },
    restricted: { type: 'boolean' },
    totpSecret: { type: 'string', pattern: '^[A-Z2-7]{16,128}$', nullable: true },
    email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', nullable: true },
    accounts: { type: 'array', items: accountSchema },
  },
};

export const demoCoreBankingSchema: JSONSchemaType<DemoCoreBankingData> = {
  type: 'object',
  additionalProperties: false,
  required: ['historyStart', 'branches', 'customers'],
  properties: {
    historyStart: { type: 'string', pattern: DATE },
    branches: {
      type: 'object',
      required: [],
      propertyNames: { pattern: '^\\d{3}$' },
      additionalProperties: { type: 'string', minLength: 1 },
    },
    customers: { type: 'array', items: customerSchema },
  },
};
