import { createLinkageViews, type LinkageView } from '../grants/linkage-view.ts';
import type { GrantRecord } from '../grants/grant-records.ts';
import type { MyPageDeps } from './deps.ts';

/** One live linkage as the customer sees it (src/grants/linkage-view.ts), with when it last served data. */
export interface CustomerLinkage extends LinkageView {
  lastUsedAt?: number;
}

type Deps = Pick<MyPageDeps, 'grants' | 'partners' | 'coreBanking' | 'lastUsed' | 'clock'>;

const describe = async (deps: Deps, records: GrantRecord[]): Promise<CustomerLinkage[]> => {
  if (records.length === 0) return [];
  const views = await createLinkageViews(deps).describe(records, { accounts: true });
  const used = deps.lastUsed ? await deps.lastUsed.of(records.map((r) => r.grantId)) : [];
  return views.map((view, i) => ({ ...view, lastUsedAt: used[i] }));
};

const live =
  (deps: Deps, customerId: string) =>
  (r: GrantRecord | undefined): r is GrantRecord =>
    r !== undefined && r.customerId === customerId && r.expiresAt > deps.clock.now();

/** The customer's live linkages, newest first (from the per-customer index: no scan). */
export const customerLinkages = async (deps: Deps, customerId: string): Promise<CustomerLinkage[]> => {
  const ids = await deps.grants.idsOfCustomer(customerId);
  const records = (await Promise.all(ids.map((id) => deps.grants.find(id)))).filter(live(deps, customerId));
  return describe(
    deps,
    records.sort((a, b) => b.createdAt - a.createdAt),
  );
};

/** One live linkage of this customer; undefined for another customer's, an ended or an unknown one. */
export const customerLinkage = async (
  deps: Deps,
  customerId: string,
  grantId: string,
): Promise<CustomerLinkage | undefined> => {
  const record = await deps.grants.find(grantId);
  if (!live(deps, customerId)(record)) return undefined;
  return (await describe(deps, [record]))[0];
};
