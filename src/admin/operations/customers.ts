import type { AuditLog } from '../../audit/index.ts';
import {
  LOGIN_ACCOUNT_TYPES,
  type AccountType,
  type CoreBanking,
  type Customer,
  type Eligibility,
  type LoginAccountRef,
  type LoginFailureState,
} from '../../core-banking/port.ts';
import { maskAccountNumber } from '../../grants/consent-records.ts';
import { OperationError } from './errors.ts';
import { recordStaffAction, type Actor } from './staff-action.ts';

/** The account types a customer logs in with (the login form offers these); each has its own lock. */
const loginAccountType = (type: AccountType): boolean => LOGIN_ACCOUNT_TYPES.some((t) => t === type);

export interface CustomerAccountView {
  accountId: string;
  accountType: AccountType;
  branchCode: string;
  branchName: string;
  maskedNumber: string;
  status: string;
  /** Login accounts only: the API連携認証 failure counter and lock. */
  login?: LoginFailureState;
}

export interface CustomerOverview {
  customer: Customer;
  eligibility: Eligibility;
  accounts: CustomerAccountView[];
}

/** Customers as bank staff see them: found by a login account, with their accounts' locks. */
export const createCustomerOperations = (deps: { coreBanking: CoreBanking; audit: AuditLog }) => ({
  async lookup(ref: LoginAccountRef): Promise<string | undefined> {
    return deps.coreBanking.customerIdOf(ref);
  },

  async overview(customerId: string): Promise<CustomerOverview | undefined> {
    const customer = await deps.coreBanking.customer(customerId);
    if (!customer) return undefined;
    const accounts = await Promise.all(
      (await deps.coreBanking.accounts(customerId)).map(async (a): Promise<CustomerAccountView> => ({
        accountId: a.accountId,
        accountType: a.accountType,
        branchCode: a.branchCode,
        branchName: a.branchName,
        maskedNumber: maskAccountNumber(a.accountNumber),
        status: a.status,
        login: loginAccountType(a.accountType) ? await deps.coreBanking.loginFailures(a) : undefined,
      })),
    );
    return { customer, eligibility: await deps.coreBanking.eligibility(customerId), accounts };
  },

  /** Lifts the API連携認証 lock of one login account (and clears its failure count). */
  async unlock(ref: LoginAccountRef, reason: string, actor: Actor): Promise<void> {
    const customerId = await deps.coreBanking.customerIdOf(ref);
    if (!customerId) throw new OperationError('not_found', 'No customer has this account.');
    const before = await deps.coreBanking.loginFailures(ref);
    await deps.coreBanking.unlock(ref);
    const account = (await deps.coreBanking.accounts(customerId)).find(
      (a) =>
        a.branchCode === ref.branchCode && a.accountType === ref.accountType && a.accountNumber === ref.accountNumber,
    );
    await recordStaffAction(deps.audit, actor, {
      kind: 'admin.customer.unlocked',
      reason,
      customerId,
      accountIds: account ? [account.accountId] : undefined,
      details: { wasLocked: before.locked, consecutiveFailures: before.consecutiveFailures },
    });
  },

  /** The login reference of one of the customer's accounts (the console posts the account id). */
  async loginRefOf(customerId: string, accountId: string): Promise<LoginAccountRef> {
    const account = await deps.coreBanking.account(accountId);
    if (!account || account.customerId !== customerId || !loginAccountType(account.accountType)) {
      throw new OperationError('not_found', 'The customer has no such login account.');
    }
    return { branchCode: account.branchCode, accountType: account.accountType, accountNumber: account.accountNumber };
  },
});

export type CustomerOperations = ReturnType<typeof createCustomerOperations>;
