import { categoriesOf } from '../grants/categories.ts';
import { grantedScopes } from '../protocol/audiences.ts';
import type { InteractionDeps, InteractionRequest } from './deps.ts';
import { linkableAccounts } from './linkable-accounts.ts';

/**
 * What API連携認証 offers this customer for this partner: the accounts they may tick (terms 2.2)
 * and the scopes the partner asked for and may have. The consent page shows it and the consent
 * step checks the customer's answer against it: one answer for both.
 */
export const offerOf = async (
  deps: Pick<InteractionDeps, 'coreBanking' | 'config'>,
  request: Pick<InteractionRequest, 'partner' | 'details'>,
  customerId: string,
) => {
  const all = await deps.coreBanking.accounts(customerId);
  const accounts = linkableAccounts(all, deps.config.settings.linkableAccountTypes, request.partner.account_types);
  const { oidcScopes, dataScopes } = grantedScopes(String(request.details.params.scope ?? ''), request.partner.scopes);
  return {
    accounts,
    /** The customer's accounts that cannot be linked (the page says how many). */
    notLinkableCount: all.length - accounts.length,
    oidcScopes,
    dataScopes,
    categories: categoriesOf(dataScopes),
  };
};

export type Offer = Awaited<ReturnType<typeof offerOf>>;
