import { categoriesOf } from '../grants/categories.ts';
import { grantedScopes } from '../protocol/audiences.ts';
import type { InteractionDeps, InteractionRequest } from './deps.ts';
import { linkableAccounts, notLinkableAccounts } from './linkable-accounts.ts';

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
  const bankTypes = deps.config.settings.linkableAccountTypes;
  const accounts = linkableAccounts(all, bankTypes, request.partner.account_types);
  const { oidcScopes, dataScopes } = grantedScopes(String(request.details.params.scope ?? ''), request.partner.scopes);
  return {
    accounts,
    /** The customer's accounts that cannot be linked, by reason (the page says how many, and why). */
    notLinkable: notLinkableAccounts(all, bankTypes, request.partner.account_types),
    oidcScopes,
    dataScopes,
    categories: categoriesOf(dataScopes),
  };
};

export type Offer = Awaited<ReturnType<typeof offerOf>>;
