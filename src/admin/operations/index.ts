import type { Ajv } from 'ajv';
import type { AuditTrail } from '../../audit/index.ts';
import type { OneOffWindows, Restrictions } from '../../availability/index.ts';
import type { CoreBanking } from '../../core-banking/port.ts';
import type { GrantRecords } from '../../grants/grant-records.ts';
import type { Linkages } from '../../grants/linkages.ts';
import type { PartnerRegistry } from '../../partners/registry.ts';
import type { PartnerStatusCache } from '../../partners/status-cache.ts';
import type { RecordStore } from '../../records/record-store.ts';
import type { Clock } from '../../shared/clock.ts';
import { createAuditSearch } from './audit-search.ts';
import { createCustomerOperations } from './customers.ts';
import { createDesk } from './desk.ts';
import { createLinkageOperations } from './linkages.ts';
import { createPartnerOperations } from './partners.ts';
import { createSearch } from './search.ts';
import type { BulkAction } from './staff-action.ts';
import { createServiceControl } from './service-control.ts';

export interface OperationsDeps {
  ajv: Ajv;
  clock: Clock;
  audit: AuditTrail;
  /** Consent evidence and linkage history (src/records). */
  records: RecordStore;
  coreBanking: CoreBanking;
  grants: GrantRecords;
  linkages: Linkages;
  partners: PartnerRegistry;
  partnerStatus: PartnerStatusCache;
  restrictions: Restrictions;
  windows: OneOffWindows;
  pairwiseSalt: string;
  internalClientIds: ReadonlySet<string>;
  /** mTLS client authentication is on (partners with tls_client_auth methods need it). */
  mtlsEnabled: boolean;
  /** How many customer notices were given up, when notices go through the retry queue. */
  noticeDeadLetters?: () => Promise<number>;
  bulkAction: BulkAction;
}

/** The operations both the console and the admin API offer, each one audited. */
export const createAdminOperations = (deps: OperationsDeps) => {
  const linkages = createLinkageOperations(deps);
  return {
    linkages,
    customers: createCustomerOperations(deps),
    partners: createPartnerOperations(deps),
    service: createServiceControl(deps),
    audit: createAuditSearch(deps),
    search: createSearch({ ...deps, linkages }),
    desk: createDesk(deps),
  };
};

export type AdminOperations = ReturnType<typeof createAdminOperations>;
export { OperationError, type FieldProblem } from './errors.ts';
export type { Actor } from './staff-action.ts';
