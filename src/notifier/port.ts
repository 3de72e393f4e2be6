import type { AccountType } from '../core-banking/port.ts';
import type { InformationCategory } from '../grants/categories.ts';
import type { GrantEnding } from '../grants/revocation.ts';

/**
 * A notice to the customer about one of their linkages. It names what was shared, never a full
 * account number: a notice travels over channels (e-mail, SMS) the bank does not control.
 */
export interface CustomerNotice {
  customerId: string;
  /** The linkage it is about: its history shows the notice's delivery. */
  grantId?: string;
  kind: 'linkage.created' | 'linkage.ended';
  partner: { clientId: string; name: { ja: string; en: string } };
  /** The kinds of information the partner gets. */
  categories: InformationCategory[];
  accounts: { type: AccountType; maskedNumber: string }[];
  /** ms epoch: when the linkage ends by itself (linkage.created). */
  expiresAt?: number;
  /** Why the linkage ended (linkage.ended). */
  endedReason?: GrantEnding['reason'];
  /** ms epoch */
  at: number;
}

/**
 * The customer notifier port. A new linkage is announced so that one made with stolen account
 * details does not go unnoticed. The demo writes to an outbox page (./demo-outbox.ts); the bank
 * plugs its e-mail, SMS or app push in behind the same interface.
 */
export interface CustomerNotifier {
  /** Answers 'queued' when the notice is only queued: its delivery is audited by whoever sends it. */
  notify(notice: CustomerNotice): Promise<void | 'queued'>;
}
