import { createHash, randomUUID } from 'node:crypto';
import type { ConsentEvidence, RecordStore } from '../records/record-store.ts';
import type { Clock } from '../shared/clock.ts';
import { isOptional, isRecord } from '../shared/unknown-json.ts';
import { tagged, type Store, type StoreWrite } from '../store/store.ts';
import { isStringArray, parseStored } from './stored-json.ts';

/**
 * Evidence of what the customer was shown and agreed to, kept for the bank's retention period
 * whatever happens to the grant. Account numbers are kept masked: the record proves the choice,
 * it is not a second copy of customer data.
 */
export interface ConsentRecord {
  consentId: string;
  grantId: string;
  customerId: string;
  partner: { clientId: string; nameJa: string };
  scopes: string[];
  accounts: { accountId: string; accountType: string; branchCode: string; maskedNumber: string }[];
  termsVersion: string;
  termsSha256: string;
  identifiedBy: 'pin+totp';
  identifiedAt: number;
  consentedAt: number;
  locale: string;
  /** ms epoch: the linkage's end as the consent page showed it. */
  expiresAt?: number;
  /** Where the customer agreed from, as the server saw it. */
  sourceAddress?: string;
  userAgent?: string;
  /** A Grant Management `replace` of this linkage (the same grant id). */
  replaces?: boolean;
}

const isConsentedAccount = (value: unknown): value is ConsentRecord['accounts'][number] =>
  isRecord(value) &&
  typeof value.accountId === 'string' &&
  typeof value.accountType === 'string' &&
  typeof value.branchCode === 'string' &&
  typeof value.maskedNumber === 'string';

/** Consent evidence as the store keeps it, member by member. */
export const isConsentRecord = (value: unknown): value is ConsentRecord =>
  isRecord(value) &&
  typeof value.consentId === 'string' &&
  typeof value.grantId === 'string' &&
  typeof value.customerId === 'string' &&
  isRecord(value.partner) &&
  typeof value.partner.clientId === 'string' &&
  typeof value.partner.nameJa === 'string' &&
  isStringArray(value.scopes) &&
  Array.isArray(value.accounts) &&
  value.accounts.every(isConsentedAccount) &&
  typeof value.termsVersion === 'string' &&
  typeof value.termsSha256 === 'string' &&
  value.identifiedBy === 'pin+totp' &&
  typeof value.identifiedAt === 'number' &&
  typeof value.consentedAt === 'number' &&
  typeof value.locale === 'string' &&
  isOptional(value.expiresAt, 'number') &&
  isOptional(value.sourceAddress, 'string') &&
  isOptional(value.userAgent, 'string') &&
  isOptional(value.replaces, 'boolean');

/** The record store's form of the evidence (ISO times). */
const toEvidence = (r: ConsentRecord): ConsentEvidence => ({
  consentId: r.consentId,
  grantId: r.grantId,
  customerId: r.customerId,
  partnerId: r.partner.clientId,
  partnerName: r.partner.nameJa,
  scopes: r.scopes,
  accounts: r.accounts,
  termsVersion: r.termsVersion,
  termsSha256: r.termsSha256,
  ...(r.expiresAt !== undefined ? { expiresShown: new Date(r.expiresAt).toISOString() } : {}),
  identifiedBy: r.identifiedBy,
  identifiedAt: new Date(r.identifiedAt).toISOString(),
  consentedAt: new Date(r.consentedAt).toISOString(),
  locale: r.locale,
  ...(r.sourceAddress ? { sourceAddress: r.sourceAddress } : {}),
  ...(r.userAgent ? { userAgent: r.userAgent } : {}),
  ...(r.replaces ? { replacesGrantId: r.grantId } : {}),
});

export const termsHash = (text: string) => createHash('sha256').update(text).digest('hex');
export const maskAccountNumber = (n: string) => `${'*'.repeat(Math.max(0, n.length - 3))}${n.slice(-3)}`;

/** In the grant's hash slot: written in one script with the grant (src/grants/linkages.ts). */
const evidenceKey = (grantId: string, consentId: string) => `consent:${tagged(grantId)}:${consentId}`;
const customerIndexKey = (customerId: string) => `idx:consents-by-customer:${customerId}`;

/**
 * The one place consent evidence is written. `writes` gives the hot store's part of it, which the
 * making of a linkage puts first in its all-or-nothing write; `beforeLinkage` runs before that write
 * and is where the durable record store's copy goes (src/records: PostgreSQL, kept for years).
 */
export const createConsentRecords = (deps: {
  store: Store;
  clock: Clock;
  retentionDays: number;
  /** The durable copy (PostgreSQL, or the embedded record store), written before anything else. */
  records?: RecordStore;
}) => {
  const ttl = deps.retentionDays * 86400;
  return {
    newId: () => randomUUID(),
    /** Everything that must be durable before the linkage is written (index entries first). */
    async beforeLinkage(record: ConsentRecord): Promise<void> {
      // First the record store: when it cannot keep the evidence (PostgreSQL down), this rejects
      // with a 503 and no linkage is made.
      await deps.records?.appendConsentEvidence(toEvidence(record));
      const end = Math.floor(deps.clock.now() / 1000) + ttl;
      await deps.store.addToSortedSet(
        customerIndexKey(record.customerId),
        [{ member: evidenceKey(record.grantId, record.consentId), score: end }],
        ttl,
        Math.floor(deps.clock.now() / 1000),
      );
    },
    /** The evidence's own write, first in the linkage's write. */
    writes(record: ConsentRecord): StoreWrite[] {
      return [
        {
          op: 'set',
          key: evidenceKey(record.grantId, record.consentId),
          value: JSON.stringify(record),
          ttlSeconds: ttl,
        },
      ];
    },
    async find(grantId: string, consentId: string): Promise<ConsentRecord | undefined> {
      const raw = await deps.store.get(evidenceKey(grantId, consentId));
      return raw === undefined ? undefined : parseStored(raw, isConsentRecord, evidenceKey(grantId, consentId));
    },
    /** Whether the evidence a grant record names is there (store:check). */
    async exists(grantId: string, consentId: string): Promise<boolean> {
      return (await deps.store.get(evidenceKey(grantId, consentId))) !== undefined;
    },
  };
};

export type ConsentRecords = ReturnType<typeof createConsentRecords>;
