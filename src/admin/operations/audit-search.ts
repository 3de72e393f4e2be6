import {
  exportIncident,
  type AuditExportFormat,
  type AuditExportTimeZone,
  type AuditFilter,
  type AuditTrail,
  type RecordedAuditEvent,
} from '../../audit/index.ts';
import type { AuditPage, AuditPageRequest, LinkageHistory, RecordStore } from '../../records/record-store.ts';
import { OperationError } from './errors.ts';
import { recordStaffAction, type Actor } from './staff-action.ts';

export interface IncidentQuery {
  customerId?: string;
  partnerId?: string;
  /** ms epoch, inclusive / exclusive. */
  from: number;
  to: number;
  /** Only the partner's own grants and calls, as the bank may hand them to that partner. */
  limitToPartner: boolean;
}

/**
 * Reading the audit trail (terms 4.6). Both kinds of export are files streamed line by line, and
 * each is itself an audited staff action.
 */
export const createAuditSearch = (deps: { audit: AuditTrail; pairwiseSalt: string; records: RecordStore }) => ({
  query: (filter: AuditFilter): Promise<RecordedAuditEvent[]> => deps.audit.query(filter),
  /** One page, newest first by default, from the record store by keyset: pages go on past any number of rows. */
  search: (filter: AuditFilter, page: AuditPageRequest): Promise<AuditPage> => deps.audit.search(filter, page),
  /** A customer's linkages as the records keep them, ended ones with their endings (kept for years). */
  linkageHistory: (customerId: string): Promise<LinkageHistory[]> => deps.records.linkageHistory(customerId),
  /** Matching events oldest first, read a page at a time. */
  events: (filter: AuditFilter): AsyncIterable<RecordedAuditEvent> => deps.audit.events(filter),

  /** Every event matching the filter. */
  async export(
    filter: AuditFilter,
    format: AuditExportFormat,
    actor: Actor,
    timeZone: AuditExportTimeZone = 'UTC',
  ): Promise<AsyncIterable<string>> {
    await recordStaffAction(deps.audit, actor, {
      kind: 'admin.audit.exported',
      partnerId: filter.partnerId,
      customerId: filter.customerId,
      details: { format, filter },
    });
    return deps.audit.exportEvents(filter, format, timeZone);
  },

  /** The incident export: every linkage event and data call of a customer or a partner in a time range. */
  async incident(
    query: IncidentQuery,
    format: AuditExportFormat,
    actor: Actor,
    timeZone: AuditExportTimeZone = 'UTC',
  ): Promise<AsyncIterable<string>> {
    if (!query.customerId && !query.partnerId)
      throw new OperationError('invalid_request', 'An incident export needs a customer or a partner.');
    if (!(query.from < query.to))
      throw new OperationError('invalid_request', 'An incident export needs a time range with "from" before "to".');
    if (query.limitToPartner && !query.partnerId)
      throw new OperationError('invalid_request', "The partner's own copy needs the partner.");
    await recordStaffAction(deps.audit, actor, {
      kind: 'admin.incident.exported',
      partnerId: query.partnerId,
      customerId: query.customerId,
      details: {
        format,
        from: new Date(query.from).toISOString(),
        to: new Date(query.to).toISOString(),
        limitToPartner: query.limitToPartner,
      },
    });
    return exportIncident(
      { audit: deps.audit, pairwiseSalt: deps.pairwiseSalt },
      {
        customerId: query.customerId,
        partnerId: query.partnerId,
        from: query.from,
        to: query.to,
        limitToPartner: query.limitToPartner ? query.partnerId : undefined,
        actor: actor.name,
        timeZone,
      },
      format,
    );
  },
});

export type AuditSearch = ReturnType<typeof createAuditSearch>;
