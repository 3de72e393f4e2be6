import type { AuditLog } from '../audit/audit-log.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import { createLinkageViews } from '../grants/linkage-view.ts';
import type { GrantEndedListener } from '../grants/revocation.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Logger } from '../shared/logger.ts';
import type { CustomerNotifier } from './port.ts';
import { sendNotice } from './send-notice.ts';

/**
 * Tells the customer whenever one of their linkages ends, whoever ended it (the customer on /my,
 * the partner, the bank, the eligibility rules, a partner's removal) — registered on the one
 * place every ending goes through. Not for a linkage replaced by a new one (that one was
 * announced) nor for one that simply expired (the customer saw its end date at consent), and not
 * for a customer the core system does not know.
 */
export const noticeOfEnding =
  (deps: {
    notifier: CustomerNotifier;
    logger: Logger;
    audit: AuditLog;
    coreBanking: CoreBanking;
    partners: PartnerRegistry;
  }): GrantEndedListener =>
  async (record, ending) => {
    if (ending.reason === 'replaced' || ending.reason === 'expired') return;
    if (!(await deps.coreBanking.customer(record.customerId))) return;
    // A removed partner is unknown to the registry: its client id stands for its name then.
    const [view] = await createLinkageViews(deps).describe([record], { accounts: true });
    await sendNotice(deps, {
      customerId: record.customerId,
      grantId: record.grantId,
      kind: 'linkage.ended',
      partner: { clientId: record.partnerId, name: view.partnerName },
      categories: view.categories,
      accounts: view.accounts.map((a) => ({ type: a.type, maskedNumber: a.maskedNumber })),
      endedReason: ending.reason,
      at: ending.endedAt,
    });
  };
