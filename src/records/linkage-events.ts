import type { RecordedAuditEvent } from '../shared/audit-event.ts';
import { grantIdOfEvent, type LinkageEvent, type LinkageEventKind, type RecordStore } from './record-store.ts';

const KINDS: Record<string, LinkageEventKind> = {
  'consent.granted': 'made',
  'grant.ended': 'ended',
  'token.refreshed': 'refreshed',
  'grant.account_removed': 'account_removed',
};

/**
 * The linkage history is derived from the audit events that tell it, as the archiver moves them:
 * no extra write on a request path, and through the same durable buffer. Each linkage event takes
 * its audit event's id, so archiving the same batch twice adds nothing. A refresh names only the
 * grant: its customer comes from the consent evidence (written before the linkage existed).
 */
export const appendLinkageEventsOf = async (records: RecordStore, events: RecordedAuditEvent[]): Promise<number> => {
  const relevant = events.filter((e) => KINDS[e.kind] && grantIdOfEvent(e) && e.partnerId && e.result === 'success');
  if (relevant.length === 0) return 0;
  const unknown = [...new Set(relevant.filter((e) => !e.customerId).map((e) => grantIdOfEvent(e)!))];
  const customers = unknown.length ? await records.customersOfGrants(unknown) : new Map<string, string>();
  const linkages: LinkageEvent[] = [];
  for (const e of relevant) {
    const grantId = grantIdOfEvent(e)!;
    const customerId = e.customerId ?? customers.get(grantId);
    if (!customerId) continue;
    const replaced = e.kind === 'consent.granted' && e.details?.action === 'replace';
    const reason = typeof e.details?.reason === 'string' ? e.details.reason : undefined;
    const linkage: LinkageEvent = {
      id: e.id,
      grantId,
      customerId,
      partnerId: e.partnerId!,
      kind: replaced ? 'replaced' : KINDS[e.kind],
      time: e.time,
      ...(e.actor ? { actor: e.actor } : e.kind === 'consent.granted' ? { actor: 'customer' } : {}),
      ...(reason ? { reason } : {}),
      ...(typeof e.details?.note === 'string' ? { details: { note: e.details.note } } : {}),
      ...(e.kind === 'grant.account_removed' && e.accountIds ? { details: { accountIds: e.accountIds } } : {}),
    };
    linkages.push(linkage);
  }
  await records.appendLinkageEvents(linkages);
  return linkages.length;
};
