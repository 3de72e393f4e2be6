import type { Account, Customer, LoginAccountRef } from '../port.ts';
import type { DemoAccountData, DemoCoreBankingData, DemoCustomerData } from './data-schema.ts';
import { parseIsoDate } from '../../shared/jst.ts';

export interface DirectoryEntry {
  customer: DemoCustomerData;
  data: DemoAccountData;
  account: Account;
}

/** Customers and accounts of the data file, indexed; built once. */
export interface Directory {
  customer(customerId: string): DemoCustomerData | undefined;
  /** Every customer, in the data file's order. */
  customers(): Iterable<DemoCustomerData>;
  accountsOf(customerId: string): DirectoryEntry[];
  byAccountId(accountId: string): DirectoryEntry | undefined;
  byLoginRef(ref: LoginAccountRef): DirectoryEntry | undefined;
  /** Any PIN hash of the data set (for the dummy's parameters). */
  samplePinHash: string | undefined;
}

const refKey = (ref: LoginAccountRef): string => `${ref.branchCode}|${ref.accountType}|${ref.accountNumber}`;

/**
 * Builds the indexes and checks what the JSON Schema cannot: references between entries and
 * uniqueness. Throws one error listing every problem.
 */
export const buildDirectory = (data: DemoCoreBankingData): Directory => {
  const problems: string[] = [];
  const customers = new Map<string, DemoCustomerData>();
  const byCustomer = new Map<string, DirectoryEntry[]>();
  const byAccountId = new Map<string, DirectoryEntry>();
  const byRef = new Map<string, DirectoryEntry>();
  let samplePinHash: string | undefined;

  if (parseIsoDate(data.historyStart) === undefined) problems.push(`historyStart ${data.historyStart} is not a date`);
  for (const customer of data.customers) {
    if (customers.has(customer.customerId)) problems.push(`customer ${customer.customerId} is listed twice`);
    customers.set(customer.customerId, customer);
    const entries: DirectoryEntry[] = [];
    for (const accountData of customer.accounts) {
      const branchName = data.branches[accountData.branchCode];
      if (branchName === undefined)
        problems.push(`account ${accountData.accountId}: unknown branch ${accountData.branchCode}`);
      if (byAccountId.has(accountData.accountId)) problems.push(`account id ${accountData.accountId} is used twice`);
      if (byRef.has(refKey(accountData)))
        problems.push(
          `account ${accountData.branchCode}/${accountData.accountType}/${accountData.accountNumber} is listed twice`,
        );
      for (const deposit of accountData.timeDeposits ?? []) {
        if (parseIsoDate(deposit.depositDate) === undefined)
          problems.push(`account ${accountData.accountId}: deposit date ${deposit.depositDate} is not a date`);
      }
      const entry: DirectoryEntry = {
        customer,
        data: accountData,
        account: {
          accountId: accountData.accountId,
          customerId: customer.customerId,
          branchCode: accountData.branchCode,
          branchName: branchName ?? '',
          accountType: accountData.accountType,
          accountNumber: accountData.accountNumber,
          accountName: customer.name,
          accountNameKana: customer.nameKana,
          currencyCode: 'JPY',
          status: accountData.status,
          cashCardIssued: accountData.cashCardIssued,
        },
      };
      entries.push(entry);
      byAccountId.set(accountData.accountId, entry);
      byRef.set(refKey(accountData), entry);
      samplePinHash ??= accountData.pinHash;
    }
    byCustomer.set(customer.customerId, entries);
  }
  if (problems.length > 0) throw new Error(`demo core-banking data is inconsistent:\n- ${problems.join('\n- ')}`);

  return {
    customer: (customerId) => customers.get(customerId),
    customers: () => customers.values(),
    accountsOf: (customerId) => byCustomer.get(customerId) ?? [],
    byAccountId: (accountId) => byAccountId.get(accountId),
    byLoginRef: (ref) => byRef.get(refKey(ref)),
    samplePinHash,
  };
};

export const toCustomer = (customer: DemoCustomerData): Customer => ({
  customerId: customer.customerId,
  name: customer.name,
  nameKana: customer.nameKana,
  restricted: customer.restricted,
});
