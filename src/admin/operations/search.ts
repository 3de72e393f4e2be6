import type { AuditTrail, RecordedAuditEvent } from '../../audit/index.ts';
import type { CoreBanking, Customer, LoginAccountRef } from '../../core-banking/port.ts';
import { maskAccountNumber } from '../../grants/consent-records.ts';
import type { PartnerRegistry } from '../../partners/registry.ts';
import type { Clock } from '../../shared/clock.ts';
import { isKanaName, normalizeKana } from '../../shared/kana.ts';
import { pairwiseSubject } from '../../shared/pairwise.ts';
import type { LinkageOperations, LinkageSummary } from './linkages.ts';
import { recordStaffAction, type Actor } from './staff-action.ts';

/** What staff can search by, besides a login account (branch, type and number). */
export const SEARCH_KINDS = ['name', 'customerId', 'grantId', 'sub', 'requestId'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

export type SearchOutcome =
  | { kind: 'invalid' }
  | { kind: 'customers'; customers: Customer[] }
  | { kind: 'linkage'; grantId: string; found: boolean }
  | { kind: 'linkages'; linkages: LinkageSummary[] }
  | { kind: 'events'; events: RecordedAuditEvent[]; days: number };

// The shapes each kind accepts; anything else is refused before it reaches a system.
const CUSTOMER_NUMBER = /^[0-9]{1,20}$/;
const GRANT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const SUB = /^[A-Za-z0-9_-]{20,64}$/;
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
// A request id is looked for in the trail of the last days (support calls come soon after).
const REQUEST_ID_DAYS = 7;
const EVENTS_SHOWN = 200;

/**
 * Finding a customer, a linkage or a request for bank staff. Every search is a staff action in
 * the audit trail (who searched for what, and how many it found); an account number is recorded
 * masked, as everywhere else.
 */
export const createSearch = (deps: {
  audit: AuditTrail;
  clock: Clock;
  coreBanking: CoreBanking;
  partners: PartnerRegistry;
  pairwiseSalt: string;
  linkages: LinkageOperations;
}) => {
  const record = (actor: Actor, by: string, query: string, found: number, customerId?: string, invalid = false) =>
    recordStaffAction(deps.audit, actor, {
      kind: 'admin.search',
      result: invalid ? 'failure' : 'success',
      customerId,
      details: { by, query, found },
    });

  const run = async (kind: SearchKind, text: string): Promise<SearchOutcome> => {
    const query = text.trim();
    switch (kind) {
      case 'name': {
        const kana = normalizeKana(query);
        if (kana.length < 2 || kana.length > 40 || !isKanaName(kana)) return { kind: 'invalid' };
        return { kind: 'customers', customers: await deps.coreBanking.searchCustomers({ nameKana: kana }) };
      }
      case 'customerId': {
        const number = query.normalize('NFKC');
        if (!CUSTOMER_NUMBER.test(number)) return { kind: 'invalid' };
        return { kind: 'customers', customers: await deps.coreBanking.searchCustomers({ customerId: number }) };
      }
      case 'grantId': {
        if (!GRANT_ID.test(query)) return { kind: 'invalid' };
        return { kind: 'linkage', grantId: query, found: (await deps.linkages.detail(query)) !== undefined };
      }
      case 'sub': {
        if (!SUB.test(query)) return { kind: 'invalid' };
        // The sub is a keyed hash of partner and customer: computed for each live linkage, compared.
        const found: LinkageSummary[] = [];
        for (const view of await deps.partners.list()) {
          for (const linkage of await deps.linkages.ofPartner(view.partner.client_id)) {
            if (pairwiseSubject(deps.pairwiseSalt, linkage.partnerId, linkage.customerId) === query)
              found.push(linkage);
          }
        }
        return { kind: 'linkages', linkages: found };
      }
      case 'requestId': {
        if (!REQUEST_ID.test(query)) return { kind: 'invalid' };
        const events: RecordedAuditEvent[] = [];
        const from = deps.clock.now() - REQUEST_ID_DAYS * 24 * 3600 * 1000;
        // An index on PostgreSQL (records.audit_events.request_id); a scan of the buffer otherwise.
        for await (const event of deps.audit.events({ from, requestId: query })) {
          events.push(event);
          if (events.length >= EVENTS_SHOWN) break;
        }
        return { kind: 'events', events, days: REQUEST_ID_DAYS };
      }
    }
  };

  const countOf = (outcome: SearchOutcome): number => {
    switch (outcome.kind) {
      case 'invalid':
        return 0;
      case 'customers':
        return outcome.customers.length;
      case 'linkage':
        return outcome.found ? 1 : 0;
      case 'linkages':
        return outcome.linkages.length;
      case 'events':
        return outcome.events.length;
    }
  };

  return {
    /** Runs one search and audits it; a malformed query is audited too (as found nothing). */
    async find(kind: SearchKind, text: string, actor: Actor): Promise<SearchOutcome> {
      const outcome = await run(kind, text);
      const customers = outcome.kind === 'customers' ? outcome.customers : [];
      await record(
        actor,
        kind,
        // What was typed, bounded; a name also as it was compared.
        kind === 'name' ? `${text.slice(0, 64)} → ${normalizeKana(text).slice(0, 64)}` : text.slice(0, 64),
        countOf(outcome),
        customers.length === 1 ? customers[0].customerId : undefined,
        outcome.kind === 'invalid',
      );
      return outcome;
    },

    /** The customer holding a login account; the account number is recorded masked. */
    async byAccount(ref: LoginAccountRef, actor: Actor): Promise<string | undefined> {
      const customerId = await deps.coreBanking.customerIdOf(ref);
      await record(
        actor,
        'account',
        `${ref.branchCode} ${ref.accountType} ${maskAccountNumber(ref.accountNumber)}`,
        customerId ? 1 : 0,
        customerId,
      );
      return customerId;
    },
  };
};

export type Search = ReturnType<typeof createSearch>;
