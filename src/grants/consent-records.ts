import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

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
}

export const termsHash = (text: string) => createHash('sha256').update(text).digest('hex');
export const maskAccountNumber = (n: string) => `${'*'.repeat(Math.max(0, n.length - 3))}${n.slice(-3)}`;

export const createConsentRecords = (deps: { store: Store; clock: Clock; retentionDays: number }) => ({
  newId: () => randomUUID(),
  async save(record: ConsentRecord): Promise<void> {
    const ttl = deps.retentionDays * 86400;
    await deps.store.set(`consent:${record.consentId}`, JSON.stringify(record), ttl);
    await deps.store.addToSet(`idx:customer-consents:${record.customerId}`, [record.consentId], ttl);
  },
  async find(consentId: string): Promise<ConsentRecord | undefined> {
    const raw = await deps.store.get(`consent:${consentId}`);
    return raw === undefined ? undefined : (JSON.parse(raw) as ConsentRecord);
  },
});

export type ConsentRecords = ReturnType<typeof createConsentRecords>;
