import type { AuditTrail } from '../../audit/index.ts';
import type { OneOffWindows, Restriction, Restrictions } from '../../availability/index.ts';
import type { OneOffWindow } from '../../calendar/index.ts';
import type { GrantRecords } from '../../grants/grant-records.ts';
import type { PartnerRegistry } from '../../partners/registry.ts';
import type { Clock } from '../../shared/clock.ts';
import { jstDayOf, jstDayStart } from '../../shared/jst.ts';

/** A restriction as the banner names it: the partner's name beside its id. */
export interface RestrictionInForce extends Restriction {
  partnerName?: { ja: string; en: string };
}

/** What is closed right now by an operator: restrictions in force, maintenance windows under way. */
export interface Situation {
  restrictions: RestrictionInForce[];
  windows: OneOffWindow[];
}

/** The figures the night shift looks at first. "Today" is the JST day. */
export interface DeskCounts {
  liveLinkages: number;
  locksToday: number;
  restrictions: number;
  /** Notices out of attempts, kept for staff; undefined without a notice queue (the demo outbox). */
  deadNotices?: number;
  partnerEventsAbandonedToday: number;
}

/** What the console shows on every page (the situation) and on its home page (the counts). */
export const createDesk = (deps: {
  audit: AuditTrail;
  clock: Clock;
  grants: GrantRecords;
  partners: PartnerRegistry;
  restrictions: Restrictions;
  windows: OneOffWindows;
  noticeDeadLetters?: () => Promise<number>;
}) => {
  const todayStart = () => jstDayStart(jstDayOf(deps.clock.now()));
  const countToday = async (kind: string) => (await deps.audit.query({ kind, from: todayStart() })).length;

  return {
    async situation(): Promise<Situation> {
      const [restrictions, windows] = await Promise.all([deps.restrictions.list(), deps.windows.list()]);
      const now = deps.clock.now();
      const named = await Promise.all(
        restrictions.map(async (r): Promise<RestrictionInForce> => {
          if (r.scope.kind !== 'partner') return r;
          const view = await deps.partners.find(r.scope.partnerId);
          return { ...r, partnerName: view?.partner.name };
        }),
      );
      return {
        restrictions: named.sort((a, b) => a.setAt - b.setAt),
        windows: windows.filter((w) => Date.parse(w.from) <= now && now < Date.parse(w.to)),
      };
    },

    async counts(): Promise<DeskCounts> {
      const partners = await deps.partners.list();
      const [perPartner, locksToday, restrictions, deadNotices, partnerEventsAbandonedToday] = await Promise.all([
        Promise.all(partners.map(async (v) => (await deps.grants.idsOfPartner(v.partner.client_id)).length)),
        countToday('identity_check.locked'),
        deps.restrictions.list(),
        deps.noticeDeadLetters?.(),
        countToday('partner_event.abandoned'),
      ]);
      return {
        liveLinkages: perPartner.reduce((a, b) => a + b, 0),
        locksToday,
        restrictions: restrictions.length,
        deadNotices,
        partnerEventsAbandonedToday,
      };
    },
  };
};

export type Desk = ReturnType<typeof createDesk>;
