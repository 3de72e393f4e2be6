import type { AccountType } from '../core-banking/port.ts';
import { categoriesOf, type InformationCategory } from '../grants/categories.ts';
import { maskAccountNumber } from '../grants/consent-records.ts';
import type { GrantRecord } from '../grants/grant-records.ts';
import type { MyPageDeps } from './deps.ts';

/** One live linkage as the customer sees it: never a full account number. */
export interface LinkageView {
  grantId: string;
  partnerId: string;
  partnerName: { ja: string; en: string };
  categories: InformationCategory[];
  accounts: { type: AccountType; branchName: string; maskedNumber: string }[];
  createdAt: number;
  expiresAt: number;
  lastUsedAt?: number;
}

type Deps = Pick<MyPageDeps, 'grants' | 'partners' | 'coreBanking' | 'lastUsed' | 'clock'>;

const describe = async (deps: Deps, customerId: string, records: GrantRecord[]): Promise<LinkageView[]> => {
  if (records.length === 0) return [];
  const accounts = new Map((await deps.coreBanking.accounts(customerId)).map((a) => [a.accountId, a]));
  const names = new Map<string, LinkageView['partnerName']>();
  for (const partnerId of new Set(records.map((r) => r.partnerId))) {
    names.set(partnerId, (await deps.partners.find(partnerId))?.partner.name ?? { ja: partnerId, en: partnerId });
  }
  const used = deps.lastUsed ? await deps.lastUsed.of(records.map((r) => r.grantId)) : [];
  return records.map((r, i) => ({
    grantId: r.grantId,
    partnerId: r.partnerId,
    partnerName: names.get(r.partnerId)!,
    categories: categoriesOf(r.scopes),
    accounts: r.accountIds.flatMap((id) => {
      const a = accounts.get(id);
      return a
        ? [{ type: a.accountType, branchName: a.branchName, maskedNumber: maskAccountNumber(a.accountNumber) }]
        : [];
    }),
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    lastUsedAt: used[i],
  }));
};

const live =
  (deps: Deps, customerId: string) =>
  (r: GrantRecord | undefined): r is GrantRecord =>
    r !== undefined && r.customerId === customerId && r.expiresAt > deps.clock.now();

/** The customer's live linkages, newest first (from the per-customer index: no scan). */
export const customerLinkages = async (deps: Deps, customerId: string): Promise<LinkageView[]> => {
  const ids = await deps.grants.idsOfCustomer(customerId);
  const records = (await Promise.all(ids.map((id) => deps.grants.find(id)))).filter(live(deps, customerId));
  return describe(
    deps,
    customerId,
    records.sort((a, b) => b.createdAt - a.createdAt),
  );
};

/** One live linkage of this customer; undefined for another customer's, an ended or an unknown one. */
export const customerLinkage = async (
  deps: Deps,
  customerId: string,
  grantId: string,
): Promise<LinkageView | undefined> => {
  const record = await deps.grants.find(grantId);
  if (!live(deps, customerId)(record)) return undefined;
  return (await describe(deps, customerId, [record]))[0];
};
