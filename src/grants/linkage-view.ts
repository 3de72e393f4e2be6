import type { AccountType, CoreBanking } from '../core-banking/port.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import { categoriesOf, type InformationCategory } from './categories.ts';
import { maskAccountNumber } from './consent-records.ts';
import type { GrantRecord } from './grant-records.ts';

/** A linked account as a person may see it: never its full number. */
export interface ShownAccount {
  accountId: string;
  type: AccountType;
  branchCode: string;
  branchName: string;
  maskedNumber: string;
}

/**
 * A linkage as a person sees it (the customer on /my, the bank's staff, a notice): the partner by
 * name, the information categories, the accounts masked. Written once; each surface picks from it.
 */
export interface LinkageView {
  grantId: string;
  customerId: string;
  partnerId: string;
  /** The partner's name; its client id stands for it once the partner is removed. */
  partnerName: { ja: string; en: string };
  /** False once the partner is no longer registered. */
  partnerKnown: boolean;
  categories: InformationCategory[];
  scopes: string[];
  /** Every linked account id, in the order chosen (also those the core system no longer knows). */
  accountIds: string[];
  /** The linked accounts the core system still knows, in the same order (empty unless asked for). */
  accounts: ShownAccount[];
  termsVersion: string;
  createdAt: number;
  expiresAt: number;
}

export const createLinkageViews = (deps: {
  partners: Pick<PartnerRegistry, 'find'>;
  coreBanking: Pick<CoreBanking, 'account'>;
}) => ({
  /** Views of these records, in their order; accounts are read from the core system only when asked for. */
  async describe(records: GrantRecord[], options: { accounts: boolean }): Promise<LinkageView[]> {
    const names = new Map<string, { ja: string; en: string } | undefined>();
    for (const partnerId of new Set(records.map((r) => r.partnerId)))
      names.set(partnerId, (await deps.partners.find(partnerId))?.partner.name);
    return Promise.all(
      records.map(async (r): Promise<LinkageView> => {
        const name = names.get(r.partnerId);
        const accounts = options.accounts
          ? (await Promise.all(r.accountIds.map((id) => deps.coreBanking.account(id)))).flatMap((a) =>
              a
                ? [
                    {
                      accountId: a.accountId,
                      type: a.accountType,
                      branchCode: a.branchCode,
                      branchName: a.branchName,
                      maskedNumber: maskAccountNumber(a.accountNumber),
                    },
                  ]
                : [],
            )
          : [];
        return {
          grantId: r.grantId,
          customerId: r.customerId,
          partnerId: r.partnerId,
          partnerName: name ?? { ja: r.partnerId, en: r.partnerId },
          partnerKnown: name !== undefined,
          categories: categoriesOf(r.scopes),
          scopes: r.scopes,
          accountIds: r.accountIds,
          accounts,
          termsVersion: r.termsVersion,
          createdAt: r.createdAt,
          expiresAt: r.expiresAt,
        };
      }),
    );
  },
});

export type LinkageViews = ReturnType<typeof createLinkageViews>;
