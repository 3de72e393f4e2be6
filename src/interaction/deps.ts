import type { Ajv } from 'ajv';
import type Provider from 'oidc-provider';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Availability } from '../availability/index.ts';
import type { Config } from '../config/load-config.ts';
import type { Secrets, Settings } from '../config/schema.ts';
import type { CoreBanking } from '../core-banking/port.ts';
import type { IdentityCheck } from '../identity-check/identity-check.ts';
import type { GrantRecords } from '../grants/grant-records.ts';
import type { Linkages } from '../grants/linkages.ts';
import type { Render } from '../http/render.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import type { CustomerNotifier } from '../notifier/index.ts';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { Partner } from '../partners/schema.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { ConsentFunnel } from '../ops/consent-funnel.ts';
import type { Store } from '../store/store.ts';
import type { InteractionState, InteractionStates } from './state.ts';

/** What the interaction flow reads of the configuration (types from the config schema). */
export type InteractionConfig = Pick<Config, 'terms' | 'demo'> & {
  settings: Pick<Settings, 'linkableAccountTypes' | 'lifetimes'> & {
    identityCheck: Pick<Settings['identityCheck'], 'otpAttempts'>;
    /** The issuer: the `iss` of the way back to the partner, and whether cookies are Secure. */
    server: Pick<Settings['server'], 'issuer'>;
  };
  secrets: Pick<Secrets, 'pairwiseSalt'>;
};

export interface InteractionDeps {
  config: InteractionConfig;
  provider: Provider;
  store: Store;
  partners: PartnerRegistry;
  coreBanking: CoreBanking;
  grants: GrantRecords;
  states: InteractionStates;
  render: Render;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  ajv: Ajv;
  identityCheck: IdentityCheck;
  linkages: Linkages;
  /** Whether API連携認証 is open now (service calendar, operators' restrictions). */
  availability: Availability;
  /** Tells the customer of each new linkage (src/notifier). */
  notifier: CustomerNotifier;
  /** Counts the consent screen shown, and forgets it once decided (src/ops/consent-funnel.ts). */
  consentFunnel: ConsentFunnel;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the steps of one interaction request share, on ctx.state.interaction. */
export interface InteractionRequest {
  uid: string;
  details: Details;
  partner: Partner;
  state: InteractionState;
  locale: Locale;
  t: Translate;
  startedAt: number;
}

/** ctx.state of an interaction route: the request, and the partner's origin for the page's form-action. */
export interface InteractionRouteState {
  interaction: InteractionRequest;
  formActionOrigins?: string[];
}
