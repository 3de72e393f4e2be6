import { pairwiseSubject } from '../shared/pairwise.ts';
import type { AuditExportFormat, AuditExportTimeZone, AuditTrail, RecordedAuditEvent } from './audit-log.ts';
import { grantIdOf, kindMatches } from './event-filter.ts';
import { formatEvents, fullShape, type ExportShape } from './export-format.ts';

export interface IncidentRequest {
  customerId?: string;
  partnerId?: string;
  /** ms since the epoch, inclusive. */
  from: number;
  /** ms since the epoch, exclusive. */
  to: number;
  /** Only this partner's own grants and calls, in a form the bank may hand to that partner. */
  limitToPartner?: string;
  /** Who asks (a staff member's name, an internal client's id): the export is audited. */
  actor: string;
  /** Each event's time as recorded (UTC, the default) or in Japan time. */
  timeZone?: AuditExportTimeZone;
}

export interface IncidentExportDeps {
  audit: AuditTrail;
  /** settings' pairwiseSalt: the partner's copy names the customer by the `sub` it already knows. */
  pairwiseSalt: string;
}

/** What a partner's own copy may contain: its linkages and calls, not the bank's internals. */
const PARTNER_KINDS = ['identity_check.', 'eligibility.', 'consent.', 'code.', 'token.', 'grant.', 'data.'];
const PARTNER_DETAILS = [
  'grantId',
  'reason',
  'scopes',
  'termsVersion',
  'route',
  'method',
  'status',
  'type',
  'grantType',
  'jtiSha256',
  'error',
];

const partnerShape = (partnerId: string, pairwiseSalt: string): ExportShape => ({
  columns: [
    'time',
    'kind',
    'result',
    'actor',
    'partnerId',
    'sub',
    'accountIds',
    'requestId',
    'grantId',
    'details',
    'id',
  ],
  row: (event: RecordedAuditEvent) => {
    const details: Record<string, unknown> = {};
    for (const k of PARTNER_DETAILS) if (event.details?.[k] !== undefined) details[k] = event.details[k];
    return {
      time: event.time,
      kind: event.kind,
      result: event.result,
      // The partner or the customer by name; the bank's staff and systems as "bank".
      actor:
        event.actor === undefined
          ? undefined
          : event.actor === partnerId || event.actor === 'customer'
            ? event.actor
            : 'bank',
      partnerId: event.partnerId,
      // A data call names the token's `sub` already (the partner's own pairwise one).
      sub: event.customerId ? pairwiseSubject(pairwiseSalt, partnerId, event.customerId) : event.details?.sub,
      accountIds: event.accountIds,
      requestId: event.requestId,
      grantId: grantIdOf(event),
      details: Object.keys(details).length > 0 ? details : undefined,
      id: event.id,
    };
  },
});

/**
 * The incident export of terms 4.6: every linkage event and every data call of a customer or a
 * partner in a time range, in the trail's order, as JSON Lines or CSV. With `limitToPartner`,
 * only that partner's own grants and calls, with the customer named by the partner's pairwise
 * `sub` and the bank's internals left out: the copy the bank may hand to that partner. Audit
 * exports themselves are not listed. The export is recorded (kind `audit.exported`) before the
 * first line is produced.
 */
export async function* exportIncident(
  deps: IncidentExportDeps,
  request: IncidentRequest,
  format: AuditExportFormat,
): AsyncGenerator<string> {
  const { customerId, partnerId, from, to, limitToPartner, actor, timeZone } = request;
  if (!customerId && !partnerId && !limitToPartner)
    throw new TypeError('an incident export needs a customer or a partner');
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to))
    throw new RangeError('an incident export needs a time range with from before to');
  if (limitToPartner && partnerId && partnerId !== limitToPartner)
    throw new TypeError('partnerId and limitToPartner name different partners');
  if (format !== 'jsonl' && format !== 'csv') throw new TypeError(`unknown export format "${String(format)}"`);
  const partner = limitToPartner ?? partnerId;

  await deps.audit.record({
    kind: 'audit.exported',
    result: 'success',
    actor,
    customerId,
    partnerId: partner,
    details: {
      format,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(limitToPartner ? { limitToPartner } : {}),
    },
  });

  const wanted = async function* () {
    for await (const event of deps.audit.events({ customerId, partnerId: partner, from, to })) {
      if (event.kind.startsWith('audit.')) continue;
      if (limitToPartner && !PARTNER_KINDS.some((k) => kindMatches(k, event.kind))) continue;
      yield event;
    }
  };
  const shape = limitToPartner ? partnerShape(limitToPartner, deps.pairwiseSalt) : fullShape;
  yield* formatEvents(wanted(), format, shape, timeZone);
}
