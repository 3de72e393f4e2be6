import type { Ajv } from 'ajv';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Availability } from '../availability/index.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { GrantRecords } from '../grants/grant-records.ts';
import type { LastUsed } from '../grants/last-used.ts';
import type { Linkages } from '../grants/linkages.ts';
import type { Render } from '../http/render.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import type { IdentityCheck } from '../identity-check/identity-check.ts';
import type { CustomerNotifier } from '../notifier/index.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { CustomerLinkage } from './linkages.ts';
import type { CustomerSession, CustomerSessions } from './sessions.ts';

export interface MyPageDeps {
  settings: {
    /** The session cookie is Secure (the server is reached over https). */
    secureCookies: boolean;
    /** Wrong one-time codes one sign-in may try on the code step (identityCheck.otpAttempts). */
    otpAttempts: number;
    /** How long a sign-in may take from the first page: the session's idle limit, in minutes (shown). */
    idleMinutes: number;
    /** Demo data: the browser remembers who signed in, for the demo outbox (src/notifier/demo-browser.ts). */
    demo?: boolean;
  };
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  ajv: Ajv;
  render: Render;
  coreBanking: CoreBanking;
  partners: PartnerRegistry;
  grants: GrantRecords;
  linkages: Linkages;
  /** The same identity check as API連携認証: same lock counter, same answers. */
  identityCheck: IdentityCheck;
  notifier: CustomerNotifier;
  /** The 'my_page' surface of the service calendar and operators' restrictions. */
  availability: Availability;
  /** When each linkage last served data; without it the page leaves that line out. */
  lastUsed?: LastUsed;
  sessions: CustomerSessions;
}

/** What the steps of one request to /my share, on ctx.state.myPage. */
export interface MyPageRequest {
  locale: Locale;
  t: Translate;
  startedAt: number;
  sessionId?: string;
  session?: CustomerSession;
  /** The linkage a /my/linkages/:grantId route is about (this customer's, live). */
  linkage?: CustomerLinkage;
}

/** ctx.state of a /my route. */
export interface MyPageRouteState {
  myPage: MyPageRequest;
}
