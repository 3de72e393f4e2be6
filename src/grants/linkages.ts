import type { AdapterPayload } from 'oidc-provider';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Account, AccountType } from '../core-banking/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { OidcStore } from '../store/oidc-adapter.ts';
import type { Store } from '../store/store.ts';
import { categoriesOf, type InformationCategory } from './categories.ts';
import { maskAccountNumber, termsHash, type ConsentRecord, type ConsentRecords } from './consent-records.ts';
import type { GrantRecord, GrantRecords } from './grant-records.ts';
import type { LinkageJournal } from './journal.ts';
import type { EndingCause, GrantRevocation } from './revocation.ts';

/** What the customer chose on the consent page, with what the identity check established. */
export interface LinkageChoice {
  customerId: string;
  /** ms epoch: when the identity check completed. */
  identifiedAt: number;
  partner: { clientId: string; name: { ja: string; en: string } };
  /** The chosen accounts, as the core system describes them. */
  accounts: Pick<Account, 'accountId' | 'accountType' | 'branchCode' | 'accountNumber'>[];
  /** `openid` / `offline_access` as granted. */
  oidcScopes: string[];
  /** The data API scopes granted. */
  dataScopes: string[];
  terms: { version: string; text: string };
  locale: string;
  /** ms epoch: the linkage's absolute end. */
  expiresAt: number;
  /** Where the customer agreed from (consent evidence). */
  source?: { address?: string; userAgent?: string };
  /** The customer's pairwise `sub` for this partner. */
  subject: string;
}

/** oidc-provider's Grant for a linkage, as it would store it (src/protocol/grant-drafts.ts). */
export interface GrantDrafter {
  draft(input: {
    grantId?: string;
    subject: string;
    clientId: string;
    expiresIn: number;
    oidcScopes: string[];
    dataScopes: string[];
  }): Promise<{ grantId: string; payload: AdapterPayload }>;
}

/** The notice of a new linkage (the notifier's CustomerNotice of kind linkage.created). */
export interface NewLinkageNotice {
  customerId: string;
  grantId: string;
  kind: 'linkage.created';
  partner: { clientId: string; name: { ja: string; en: string } };
  categories: InformationCategory[];
  accounts: { type: AccountType; maskedNumber: string }[];
  expiresAt: number;
  at: number;
}

export class LinkageError extends Error {
  override name = 'LinkageError';
  readonly code: 'identity_check_too_old' | 'not_replaceable';
  constructor(code: LinkageError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** Which linkages an ending is for: one, or every live one of a customer or of a partner. */
export type LinkageSelector = { grantId: string } | { customerId: string } | { partnerId: string };

/**
 * The linkage's operations — making, replacing and ending one — that every surface calls (the
 * interaction, /my, the console and the admin API, core events, Grant Management): HTTP steps
 * only adapt requests to them. Nothing outside src/grants/ writes a grant record or calls the
 * revocation internals (test/grants/boundaries.test.ts).
 *
 * Making is all or nothing, on a single Redis and on a Cluster: a journal entry, the index
 * entries and what must be durable first, then — in one script of the grant's hash slot —
 * consent evidence, oidc-provider's Grant and our grant record. Only that last write makes the
 * linkage live; a crash before it leaves index entries the sweeper removes.
 */
export const createLinkages = (deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  grants: GrantRecords;
  consents: ConsentRecords;
  revocation: GrantRevocation;
  journal: LinkageJournal;
  oidc: OidcStore;
  drafter: GrantDrafter;
  notify: (notice: NewLinkageNotice) => Promise<unknown>;
  /** Interrupted makings and endings older than this are finished by sweep(). */
  sweepAfterMs: number;
}) => {
  const { grants, consents, revocation, journal } = deps;

  const write = async (choice: LinkageChoice, grantId: string | undefined) => {
    const now = deps.clock.now();
    const remaining = Math.floor((choice.expiresAt - now) / 1000);
    if (remaining <= 0) throw new LinkageError('identity_check_too_old', 'the identity check is too old');
    const scopes = [...choice.oidcScopes, ...choice.dataScopes];
    const draft = await deps.drafter.draft({
      grantId,
      subject: choice.subject,
      clientId: choice.partner.clientId,
      expiresIn: remaining,
      oidcScopes: choice.oidcScopes,
      dataScopes: choice.dataScopes,
    });
    const consentId = consents.newId();
    const record: GrantRecord = {
      grantId: draft.grantId,
      customerId: choice.customerId,
      partnerId: choice.partner.clientId,
      accountIds: choice.accounts.map((a) => a.accountId),
      scopes,
      termsVersion: choice.terms.version,
      consentId,
      identifiedAt: choice.identifiedAt,
      createdAt: now,
      expiresAt: choice.expiresAt,
    };
    const evidence: ConsentRecord = {
      consentId,
      grantId: draft.grantId,
      customerId: choice.customerId,
      partner: { clientId: choice.partner.clientId, nameJa: choice.partner.name.ja },
      scopes,
      accounts: choice.accounts.map((a) => ({
        accountId: a.accountId,
        accountType: a.accountType,
        branchCode: a.branchCode,
        maskedNumber: maskAccountNumber(a.accountNumber),
      })),
      termsVersion: choice.terms.version,
      termsSha256: termsHash(choice.terms.text),
      identifiedBy: 'pin+totp',
      identifiedAt: choice.identifiedAt,
      consentedAt: now,
      locale: choice.locale,
      expiresAt: choice.expiresAt,
      ...(choice.source?.address ? { sourceAddress: choice.source.address } : {}),
      ...(choice.source?.userAgent ? { userAgent: choice.source.userAgent.slice(0, 300) } : {}),
      ...(grantId ? { replaces: true } : {}),
    };
    const entry = {
      op: 'make' as const,
      grantId: draft.grantId,
      customerId: choice.customerId,
      partnerId: choice.partner.clientId,
    };
    await journal.add(entry);
    await consents.beforeLinkage(evidence);
    await grants.addToIndexes(record);
    // The linkage becomes live here, all at once; consent evidence comes first in the script.
    await deps.store.writeTogether([
      ...consents.writes(evidence),
      ...deps.oidc.grantWrites(draft.grantId, draft.payload, remaining),
      grants.recordWrite(record),
    ]);
    return { record, entry };
  };

  const announce = async (choice: LinkageChoice, record: GrantRecord, replaced: boolean) => {
    // Against linkages made with stolen account details: the customer hears of every new one.
    await deps.notify({
      customerId: record.customerId,
      grantId: record.grantId,
      kind: 'linkage.created',
      partner: { clientId: choice.partner.clientId, name: choice.partner.name },
      categories: categoriesOf(choice.dataScopes),
      accounts: choice.accounts.map((a) => ({ type: a.accountType, maskedNumber: maskAccountNumber(a.accountNumber) })),
      expiresAt: record.expiresAt,
      at: record.createdAt,
    });
    await deps.audit.record({
      kind: 'consent.granted',
      result: 'success',
      partnerId: record.partnerId,
      customerId: record.customerId,
      accountIds: record.accountIds,
      details: {
        grantId: record.grantId,
        consentId: record.consentId,
        termsVersion: record.termsVersion,
        scopes: record.scopes,
        ...(replaced ? { action: 'replace' } : {}),
      },
    });
  };

  const end = async (which: LinkageSelector, cause: EndingCause): Promise<number> => {
    if ('grantId' in which) return (await revocation.endGrant(which.grantId, cause)) ? 1 : 0;
    if ('customerId' in which) return revocation.endCustomerGrants(which.customerId, cause);
    return revocation.endPartnerGrants(which.partnerId, cause);
  };

  return {
    /**
     * A new linkage for what the customer chose; the customer's earlier linkage with the same
     * partner ends (a customer has at most one per partner). Answers the grant id.
     */
    async make(choice: LinkageChoice): Promise<string> {
      const { record, entry } = await write(choice, undefined);
      await revocation.endEarlierLinkages(record);
      await journal.remove(entry);
      await announce(choice, record, false);
      return record.grantId;
    },

    /**
     * Grant Management `replace`: the same linkage (same grant id) with what the customer chose
     * now. Its tokens go first: they carry a copy of the old scopes and accounts.
     */
    async replace(grantId: string, choice: LinkageChoice): Promise<string> {
      const old = await grants.find(grantId);
      if (!old || old.customerId !== choice.customerId || old.partnerId !== choice.partner.clientId) {
        throw new LinkageError('not_replaceable', "the linkage to replace is not this customer's, or has ended");
      }
      await revocation.revokeTokens(grantId);
      const { record, entry } = await write(choice, grantId);
      await journal.remove(entry);
      await announce(choice, record, true);
      return record.grantId;
    },

    /** Ends one linkage, or every live one of a customer or partner; answers how many this call ended. */
    end,

    /** Why a linkage ended (also while its ending is under way), or undefined for one not ended. */
    ending: (grantId: string) => revocation.ending(grantId),

    /** An account was frozen or closed: it leaves every linkage of the customer that covers it. */
    dropAccount: (customerId: string, accountId: string, actor: string) =>
      revocation.dropAccount(customerId, accountId, actor),

    /**
     * Finishes what crashes and outages interrupted: endings begun (tombstone written) and not
     * done, makings whose linkage was not written (their index entries go) or whose earlier
     * linkage was not ended. Answers how many entries it handled.
     */
    async sweep(): Promise<number> {
      const stale = await journal.olderThan(deps.clock.now() - deps.sweepAfterMs);
      for (const { entry } of stale) {
        if (entry.op === 'end') {
          if (await revocation.resume(entry.grantId))
            deps.logger.warn('finished an interrupted linkage ending', { grantId: entry.grantId });
          continue;
        }
        const record = await grants.find(entry.grantId);
        if (record) {
          await revocation.endEarlierLinkages(record);
        } else if (!(await revocation.ending(entry.grantId))) {
          await grants.removeFromIndexes(entry);
          deps.logger.warn('removed the index entries of a linkage never written', { grantId: entry.grantId });
        }
        await journal.remove(entry);
      }
      return stale.length;
    },
  };
};

export type Linkages = ReturnType<typeof createLinkages>;

/**
 * Runs the sweeper every `periodMs` until stopped. A failed sweep (the store away) is logged and
 * tried again next period; sweeps never overlap.
 */
export const startLinkageSweeper = (deps: { linkages: Linkages; logger: Logger; periodMs: number }) => {
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = deps.linkages
      .sweep()
      .catch((error: Error) => deps.logger.warn('linkage sweep failed', { error: error.name, message: error.message }))
      .finally(() => {
        running = undefined;
      });
  }, deps.periodMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
};
