import { ACCOUNT_TYPES, type AccountType } from '../core-banking/port.ts';
import { INFORMATION_CATEGORIES, type InformationCategory } from '../grants/categories.ts';
import { isEndingReason, type GrantEnding } from '../grants/revocation.ts';
import { isRecord } from '../shared/unknown-json.ts';

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

const NOTICE_KINDS: ReadonlySet<unknown> = new Set(['linkage.created', 'linkage.ended']);
const CATEGORIES: ReadonlySet<unknown> = new Set(INFORMATION_CATEGORIES);
const ACCOUNT_TYPE_NAMES: ReadonlySet<unknown> = new Set(ACCOUNT_TYPES);

const isPartnerNamed = (value: unknown): value is CustomerNotice['partner'] =>
  isRecord(value) &&
  typeof value.clientId === 'string' &&
  isRecord(value.name) &&
  typeof value.name.ja === 'string' &&
  typeof value.name.en === 'string';

const isNoticeAccount = (value: unknown): value is CustomerNotice['accounts'][number] =>
  isRecord(value) && ACCOUNT_TYPE_NAMES.has(value.type) && typeof value.maskedNumber === 'string';

/** A notice read back from the store (the notice queue), member by member. */
export const isCustomerNotice = (value: unknown): value is CustomerNotice =>
  isRecord(value) &&
  typeof value.customerId === 'string' &&
  (value.grantId === undefined || typeof value.grantId === 'string') &&
  NOTICE_KINDS.has(value.kind) &&
  isPartnerNamed(value.partner) &&
  Array.isArray(value.categories) &&
  value.categories.every((c) => CATEGORIES.has(c)) &&
  Array.isArray(value.accounts) &&
  value.accounts.every(isNoticeAccount) &&
  (value.expiresAt === undefined || typeof value.expiresAt === 'number') &&
  (value.endedReason === undefined || isEndingReason(value.endedReason)) &&
  typeof value.at === 'number';

/**
 * The customer notifier port. A new linkage is announced so that one made with stolen account
 * details does not go unnoticed. The demo writes to an outbox page (./demo-outbox.ts); the bank
 * plugs its e-mail, SMS or app push in behind the same interface.
 */
export interface CustomerNotifier {
  /** Answers 'queued' when the notice is only queued: its delivery is audited by whoever sends it. */
  notify(notice: CustomerNotice): Promise<void | 'queued'>;
}
