import { setTimeout as sleep } from 'node:timers/promises';
import type Router from '@koa/router';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { createAdmin, createStaffAccounts, type Admin } from './admin/index.ts';
import { DEMO_STAFF_USERNAMES } from './admin/staff/demo-staff.ts';
import { ConfigError } from './config/config-error.ts';
import { auditProviderEvents, createAuditTrail, createCheckpointSigner, type AuditTrail } from './audit/index.ts';
import { createAvailability, serviceStatusRouter, type Availability } from './availability/index.ts';
import { createServiceCalendar } from './calendar/index.ts';
import type { Config } from './config/load-config.ts';
import { createDemoCoreBanking } from './core-banking/demo/index.ts';
import type { CoreBanking } from './core-banking/port.ts';
import { loadGatewayContract } from './core-banking/http/contract.ts';
import { createHttpCoreBanking, type HttpCoreBanking } from './core-banking/http/http-core-banking.ts';
import { demoPartnerRouter } from './demo-partner/router.ts';
import { createConsentRecords } from './grants/consent-records.ts';
import { createGrantRecords, type GrantRecords } from './grants/grant-records.ts';
import { createLinkageJournal } from './grants/journal.ts';
import { createLinkages, startLinkageSweeper, type Linkages } from './grants/linkages.ts';
import { createGrantRevocation, type GrantRevocation } from './grants/revocation.ts';
import { createGrantDrafter } from './protocol/grant-drafts.ts';
import { sendNotice } from './notifier/index.ts';
import { createOidcStore } from './store/oidc-adapter.ts';
import { createLastUsed } from './grants/last-used.ts';
import { createCustomerSessions, myPageRouter } from './my-page/index.ts';
import { createDemoOutbox, demoOutboxRouter, noticeOfEnding, type CustomerNotifier } from './notifier/index.ts';
import {
  createQueuedNotifier,
  createSmtpChannel,
  createWebhookChannel,
  type QueuedNotifier,
} from './notifier/index.ts';
import { errorHandler, requestId } from './http/error-handler.ts';
import { pinToIssuer } from './http/issuer-origin.ts';
import { resolveLocale } from './http/locale.ts';
import { createRenderer } from './http/render.ts';
import { renderErrorPage, renderNotFoundPage, renderUnavailablePage, wantsHtml } from './http/error-page.ts';
import { unavailableCause } from './shared/unavailable.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticFiles } from './http/static-files.ts';
import { createIdentityCheck } from './identity-check/identity-check.ts';
import { interactionRouter } from './interaction/router.ts';
import { accessLog, createConsentFunnel, createMetrics, httpMetrics, notePartner, opsRouter } from './ops/index.ts';
import { createInteractionStates } from './interaction/state.ts';
import { createPartnerEvents, type PartnerEvents } from './partner-events/index.ts';
import { createPartnerRegistry, type PartnerRegistry } from './partners/registry.ts';
import { createPartnerStatusCache, type PartnerStatusCache } from './partners/status-cache.ts';
import { resourceApiRouter } from './resource-api/router.ts';
import { grantManagementRouter } from './grant-management/router.ts';
import { coreEventsRouter } from './core-events/router.ts';
import { audiences } from './protocol/audiences.ts';
import { createProvider } from './protocol/provider.ts';
import { CLOCK_SKEW_SECONDS } from './protocol/proof-time-bounds.ts';
import { publicPagesRouter } from './public-pages/router.ts';
import { developerPortalRouter } from './developer-portal/router.ts';
import { createAjv } from './shared/json-schema.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createDeadlines, type Deadlines } from './shared/deadline.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { createStore } from './store/create-store.ts';
import { createAuditArchiver, type AuditArchiver } from './records/audit-archiver.ts';
import { createRecordStore, type RecordStore } from './records/index.ts';
import { CHECKPOINTS_STREAM, eventStreams, eventsStreamOf } from './audit/trail-stream.ts';
import type { Store } from './store/store.ts';
import { createTokenChecks } from './web/tokens/token-checks.ts';
import { createAdmission, type Admission } from './shared/admission.ts';
import { defaultConcurrentChecks, usableCpus } from './shared/cpu-budget.ts';
import { withAdmittedChecks } from './core-banking/admitted-checks.ts';

/** What tests (and a real deployment) may put in place of the defaults: the ports. */
export interface AppOverrides {
  clock?: Clock;
  store?: Store;
  coreBanking?: CoreBanking;
  logger?: Logger;
  audit?: AuditTrail;
  /** The record store (audit trail, consent evidence, linkage history); default from records.* settings. */
  records?: RecordStore;
  sleep?: (ms: number) => Promise<void>;
  /** How customers hear of their linkages (e-mail, SMS, app push); the demo data has an outbox page. */
  notifier?: CustomerNotifier;
  /** Request deadlines, when the caller made the store with them (src/main.ts connects it before building). */
  deadlines?: Deadlines;
}

export interface App {
  koa: Koa;
  /** The admission limits of the identity checks (PIN checks, staff passwords). */
  admission: { pinCheck: Admission; staffPassword: Admission };
  provider: Provider;
  store: Store;
  config: Config;
  /** The durable audit trail: record, query, export (src/audit). */
  audit: AuditTrail;
  /** Records the bank keeps: embedded, or PostgreSQL (src/records). */
  records: RecordStore;
  /** Moves audit events from the store's buffer to the record store. */
  archiver: AuditArchiver;
  /** The core-banking port in use (bank staff's unlock goes through it). */
  coreBanking: CoreBanking;
  partners: PartnerRegistry;
  partnerStatus: PartnerStatusCache;
  grants: GrantRecords;
  /** The linkage's internals (ending records); surfaces use `linkages`. */
  revocation: GrantRevocation;
  /** Making, replacing and ending linkages (src/grants/linkages.ts). */
  linkages: Linkages;
  /** Security Event Tokens telling partners of ended linkages: the queue's worker (src/partner-events). */
  partnerEvents: PartnerEvents;
  /** Notices to customers through the retry queue, when a channel (smtp, webhook) is configured. */
  notices?: QueuedNotifier;
  /** Is a surface open now for a partner: the service calendar and operators' restrictions. */
  availability: Availability;
  /** Bank staff's console (/admin) and admin API (/admin/api/v1), and the staff accounts. */
  admin: Admin;
  /** Shutting down: /readyz answers 503 from now on, while requests are still served. */
  startDraining(): void;
  /** Every route of the app's own routers (oidc-provider's excluded): what path tests generate variants from. */
  routeTable: { methods: string[]; path: string }[];
  /**
   * Starts the background work (the audit archiver, the partner-status and availability re-reads,
   * partner-event deliveries, notices, the linkage sweeper, the consent-funnel sweep). Building the
   * app starts no timer: the caller starts it once the app is in place.
   */
  start(): void;
  close(): Promise<void>;
}

/**
 * The composition root: builds every part from the validated configuration and hands each one
 * exactly what it needs. Nothing else in the program creates a store, a clock or a logger.
 */
export const buildApp = async (config: Config, overrides: AppOverrides = {}): Promise<App> => {
  const { settings } = config;
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger();
  const instance = settings.server.instanceName || `${process.pid}`;
  const deadlines = overrides.deadlines ?? createDeadlines();
  let draining = false;
  const store =
    overrides.store ??
    createStore({
      settings: settings.store,
      clock,
      logger,
      deadlines,
    });
  if (config.runtimeEnv === 'production') await refuseDemoPieces(config, store, clock);
  const checkpointSigner = createCheckpointSigner(config.signingKeys, settings.audit.checkpointKeyId);
  const records = overrides.records ?? (await createRecordStore(settings.records, clock.now()));
  const archiver = createAuditArchiver({
    store,
    records,
    clock,
    logger,
    streams: { events: eventsStreamOf(instance), checkpoints: CHECKPOINTS_STREAM },
    eventStreams: () => eventStreams(store),
    settings: settings.records.archiver,
  });
  const audit =
    overrides.audit ??
    createAuditTrail({
      store,
      logger,
      clock,
      instance,
      deadlines,
      settings: settings.audit,
      signer: checkpointSigner,
      records: { store: records, archiver },
    });
  const metrics = createMetrics();
  metrics.watchArchiver(() => archiver.status());
  const bufferStatus = audit.buffer?.bind(audit);
  if (bufferStatus) metrics.watchAuditBuffer(bufferStatus);
  audit.onRecorded((event) => metrics.observeAuditEvent(event));
  const ajv = createAjv();
  const render = createRenderer(config.rootDir);

  // The bank's gateway over HTTPS (production), or the embedded demo data set (trials).
  let httpCore: HttpCoreBanking | undefined;
  if (!overrides.coreBanking && settings.coreBanking.connector === 'http') {
    httpCore = createHttpCoreBanking({
      settings: settings.coreBanking.http,
      contract: loadGatewayContract(config.rootDir),
      tls: config.coreBankingTls,
      store,
      clock,
      logger: logger.child({ component: 'core-banking' }),
      registry: metrics.registry,
    });
  }
  if (!overrides.coreBanking && !httpCore && !config.demo) throw new Error('no core-banking connector configured');
  // Identity checks run through admission limits, per connector: a flood of logins waits briefly
  // or gets the 混雑 page (503) instead of starving the data API (src/shared/admission.ts).
  const cpus = usableCpus();
  const admissionOf = (check: 'pinCheck' | 'staffPassword', connector: string) => {
    const limit = settings.admission[check];
    const concurrent = limit.concurrent ?? defaultConcurrentChecks(cpus.cpus);
    return createAdmission(
      check === 'pinCheck' ? 'pin_check' : 'staff_password',
      {
        concurrent,
        maxWaitMs: limit.maxWaitMs,
        queue: limit.queue ?? 4 * concurrent,
        retryAfterSeconds: limit.retryAfterSeconds,
      },
      {
        onOutcome: (outcome) => metrics.admission(check === 'pinCheck' ? 'pin' : 'staff_password', connector, outcome),
      },
    );
  };
  const admission = {
    pinCheck: admissionOf('pinCheck', overrides.coreBanking ? 'other' : settings.coreBanking.connector),
    staffPassword: admissionOf('staffPassword', 'console'),
  };
  const coreBanking = withAdmittedChecks(
    overrides.coreBanking ??
      httpCore ??
      createDemoCoreBanking({
        data: config.demo!.coreBanking,
        store,
        clock,
        unknownSeconds: settings.demo.unknownAccountFailureSeconds,
      }),
    admission.pinCheck,
  );

  const partners = createPartnerRegistry({ store, definitions: config.partners });
  const partnerStatus = await createPartnerStatusCache({
    store,
    registry: partners,
    refreshMs: settings.partnerStatus.refreshMs,
    logger,
  });
  const grants = createGrantRecords({ store, clock });
  const consents = createConsentRecords({
    store,
    clock,
    retentionDays: settings.lifetimes.consentRecordRetentionDays,
    records,
  });
  // oidc-provider accepts a record until exp + its clock tolerance, so records live that long.
  const oidc = createOidcStore(store, { clockToleranceSeconds: CLOCK_SKEW_SECONDS });
  const journal = createLinkageJournal({ store, clock });
  const revocation = createGrantRevocation({
    store,
    grants,
    oidc,
    journal,
    audit,
    clock,
    resumeAfterMs: settings.grants.sweeperPeriodSeconds * 1000,
  });
  // Built once the provider exists (it drafts the Grant); oidc-provider's own revocations reach it.
  const late: { linkages?: Linkages } = {};
  const partnerEvents = createPartnerEvents({
    config,
    store,
    clock,
    partners,
    audit,
    logger,
    options: {
      backoffSeconds: settings.partnerEvents.retryDelaysSeconds,
      timeoutMs: settings.partnerEvents.timeoutSeconds * 1000,
    },
  });
  revocation.onEnded(partnerEvents.onGrantEnded);
  const states = createInteractionStates({ store, ttlSeconds: settings.lifetimes.interactionSeconds });
  const calendar = createServiceCalendar(config.calendar, { clock });
  const availability = await createAvailability({ store, calendar, clock, logger });
  metrics.watchRestrictions(() => availability.activeRestrictions());
  const consentFunnel = createConsentFunnel({
    store,
    clock,
    interactionSeconds: settings.lifetimes.interactionSeconds,
    counts: metrics.consentFunnel,
  });
  let funnelSweep: NodeJS.Timeout | undefined;

  // The demo partner app lives inside this server: its callback is registered at run time.
  const demoPartnerIds = new Set(
    config.demo
      ? config.partners.filter((p) => p.file.startsWith(settings.demo.dir)).map((p) => p.partner.client_id)
      : [],
  );
  const demoCallback = `${settings.server.issuer}/demo/callback`;

  const provider = createProvider({
    config,
    store,
    partners,
    grants,
    coreBanking,
    revocation,
    oidc,
    onProviderRevokedGrant: async (grantId) => {
      await late.linkages!.end({ grantId }, { reason: 'revoked_by_protocol', actor: 'oidc-provider' });
    },
    clock,
    availability,
    extraRedirectUris: (clientId) => (demoPartnerIds.has(clientId) ? [demoCallback] : []),
    renderError: async (ctx, out, error) => {
      const uiLocales = ctx.oidc?.params?.ui_locales;
      const unavailable = unavailableCause(error);
      if (unavailable) return renderUnavailablePage(render, ctx, unavailable, uiLocales);
      // oidc-provider renders only what it cannot send back to a redirect URI: name the partner, link nowhere.
      const locale = resolveLocale(ctx, uiLocales);
      const clientId = ctx.oidc?.client?.clientId;
      const partner = clientId === undefined ? undefined : (await partners.find(clientId))?.partner;
      renderErrorPage(render, ctx, {
        status: ctx.status >= 400 ? ctx.status : 400,
        code: out.error,
        messageKey: 'error.generic',
        locale,
        wayBack: partner && { partnerName: partner.name[locale] },
        // Its URL carries the request oidc-provider refused: not echoed back in a language link.
        switchLocaleHref: null,
      });
    },
  });

  auditProviderEvents(provider, audit, { logger });
  // oidc-provider answers whatever no router took: an unknown URL gets the bank's page in a browser.
  provider.use(async (pctx, next) => {
    await next();
    if (pctx.status === 404 && pctx.body === undefined && wantsHtml(pctx)) renderNotFoundPage(render, pctx);
  });
  // The access log's partner for oidc-provider's own endpoints (PAR, token, revocation).
  provider.use(async (pctx, next) => {
    await next();
    notePartner(pctx.req, pctx.oidc?.client?.clientId);
  });

  const koa = new Koa({ proxy: settings.server.trustProxy });
  koa.keys = [...config.secrets.cookieKeys];
  // The request id first: the access log, the metrics, the error pages and the audit trail quote it.
  // Before anything reads them: the request's Host, forwarded headers and absolute-form target give way to the issuer.
  koa.use(pinToIssuer(settings.server.issuer, { trustProxy: settings.server.trustProxy }));
  koa.use(requestId);
  koa.use(accessLog(logger));
  // Every store wait inside a request is bounded by what is left of its deadline.
  koa.use((_ctx, next) => deadlines.run(settings.server.requestDeadlineMs, next));
  koa.use(httpMetrics(metrics));
  koa.use(
    errorHandler(logger, {
      onUnavailable: () => metrics.storeUnavailable(),
      render,
    }),
  );
  koa.use(securityHeaders({ hsts: settings.server.issuer.startsWith('https:') }));
  koa.use(staticFiles(config.rootDir));

  const identityCheck = createIdentityCheck({
    coreBanking,
    store,
    clock,
    audit,
    settings: settings.identityCheck,
    sleep: overrides.sleep ?? ((ms: number) => sleep(ms)),
    observeGlobalFailures: (failures, limit) => metrics.observeGlobalFailures(failures, limit),
  });
  // Notices to customers (new and ended linkages), and what the customer's own page (/my) needs.
  const outbox = config.demo
    ? createDemoOutbox({ store, clock, retentionDays: settings.demo.outboxRetentionDays })
    : undefined;
  const noticeSettings = settings.notices;
  const noticeTimeoutMs = noticeSettings.timeoutSeconds * 1000;
  const noticeChannel =
    noticeSettings.channel === 'smtp'
      ? createSmtpChannel(noticeSettings.smtp, noticeTimeoutMs)
      : noticeSettings.channel === 'webhook'
        ? createWebhookChannel({
            url: noticeSettings.webhook.url ?? '',
            signingKeys: config.signingKeys,
            clock,
            timeoutMs: noticeTimeoutMs,
          })
        : undefined;
  const notices = noticeChannel
    ? createQueuedNotifier({
        store,
        clock,
        logger,
        audit,
        coreBanking,
        channel: noticeChannel,
        desk: noticeSettings.contactDesk,
        retryDelaysSeconds: noticeSettings.retryDelaysSeconds,
        timeoutMs: noticeTimeoutMs,
      })
    : undefined;
  const notifier = overrides.notifier ?? notices?.notifier ?? outbox;
  if (!notifier)
    throw new ConfigError('the settings', [
      'notices.channel: no customer notifier; set it to smtp or webhook (NOTICE_CHANNEL)',
    ]);
  revocation.onEnded(noticeOfEnding({ notifier, logger, audit, coreBanking, partners }));
  const lastUsed = createLastUsed({ store, clock, logger });
  const linkages = createLinkages({
    store,
    clock,
    logger,
    audit,
    grants,
    consents,
    revocation,
    journal,
    oidc,
    drafter: createGrantDrafter(provider, settings.server.issuer),
    notify: (notice) => sendNotice({ notifier, logger, audit }, notice),
    sweepAfterMs: settings.grants.sweeperPeriodSeconds * 1000,
  });
  late.linkages = linkages;
  let sweeper: ReturnType<typeof startLinkageSweeper> | undefined;
  const customerSessions = createCustomerSessions({
    store,
    clock,
    idleSeconds: settings.myPage.sessionIdleMinutes * 60,
    maxSeconds: settings.myPage.sessionMaxMinutes * 60,
  });
  const interactionDeps = {
    config,
    provider,
    store,
    partners,
    coreBanking,
    grants,
    linkages,
    states,
    render,
    clock,
    logger,
    audit,
    ajv,
    identityCheck,
    availability,
    notifier,
    consentFunnel,
  };
  // The bearer-token layer the data API, Grant Management, the admin API and core events compose.
  const apiAudiences = audiences(settings.server.issuer);
  const tokenChecks = createTokenChecks({
    store,
    clock,
    audit,
    availability,
    partners: partnerStatus,
    audiences: apiAudiences,
    internalClients: config.internalClients,
    issuer: settings.server.issuer,
    settings: { dpop: settings.dpop, mtls: settings.mtls },
    dpopNonceSecret: Buffer.from(config.secrets.dpopNonceSecret, 'base64url'),
  });
  const admin = await createAdmin({
    tokenChecks,
    config,
    store,
    clock,
    deadlines,
    logger,
    ajv,
    render,
    audit,
    records,
    coreBanking,
    grants,
    linkages,
    partners,
    partnerStatus,
    restrictions: availability.restrictions,
    windows: availability.oneOffWindows,
    noticeDeadLetters: notices?.deadLetterCount,
    staffPasswordAdmission: admission.staffPassword,
  });
  // Each router is typed by the state its own steps share; the app only mounts them, in this order.
  const routeTable: App['routeTable'] = [];
  const mount = <S>(router: Router<S>) => {
    for (const layer of router.stack)
      if (layer.methods.length > 0) routeTable.push({ methods: [...layer.methods], path: String(layer.path) });
    koa.use(router.routes()).use(router.allowedMethods());
  };
  const routers = [
    // Never behind the availability gates: operators lift restrictions here (see GATE_EXEMPTIONS).
    admin.consoleRouter,
    admin.apiRouter,
    opsRouter({
      metrics,
      beforeScrape: () => consentFunnel.sweep(),
      readiness: { store, keys: () => checkpointSigner.ready(), draining: () => draining },
      access: settings.ops,
    }),
    interactionRouter(interactionDeps),
    resourceApiRouter({
      rootDir: config.rootDir,
      settings: settings.dataApi,
      secret: Buffer.from(config.secrets.dpopNonceSecret, 'base64url'),
      clock,
      coreBanking,
      tokenChecks,
      lastUsed,
    }),
    grantManagementRouter({ clock, tokenChecks, grants, linkages, dataApi: apiAudiences.dataApi }),
    publicPagesRouter({ terms: config.terms, render, clock }),
    developerPortalRouter({ rootDir: config.rootDir, issuer: settings.server.issuer, render }),
    serviceStatusRouter({ availability, calendar, clock, render }),
    coreEventsRouter({ tokenChecks, ajv, coreBanking, linkages, audit }),
  ];
  routers.forEach(mount);
  if (config.demo)
    mount(
      demoPartnerRouter({
        issuer: settings.server.issuer,
        privateKeys: config.demo.privateKeys,
        partners: config.partners,
        demoPartnerIds,
        callbackUrl: demoCallback,
        logger,
      }),
    );
  mount(
    myPageRouter({
      settings: {
        secureCookies: settings.server.issuer.startsWith('https:'),
        otpAttempts: settings.identityCheck.otpAttempts,
        idleMinutes: settings.myPage.sessionIdleMinutes,
        demo: config.demo !== undefined,
      },
      clock,
      logger,
      audit,
      ajv,
      render,
      coreBanking,
      partners,
      grants,
      linkages,
      identityCheck,
      notifier,
      availability,
      lastUsed,
      sessions: customerSessions,
    }),
  );
  if (outbox) mount(demoOutboxRouter({ outbox, render, desk: noticeSettings.contactDesk }));

  // oidc-provider is its own Koa app with no 404 handler: it answers whatever is left.
  const providerCallback = provider.callback();
  koa.use(async (ctx) => {
    ctx.respond = false;
    await providerCallback(ctx.req, ctx.res);
  });

  return {
    koa,
    provider,
    store,
    config,
    audit,
    records,
    archiver,
    coreBanking,
    partners,
    partnerStatus,
    grants,
    revocation,
    linkages,
    partnerEvents,
    notices,
    availability,
    admin,
    admission,
    startDraining() {
      draining = true;
    },
    routeTable,
    start() {
      if (sweeper) return;
      archiver.start();
      audit.start();
      partnerStatus.start();
      availability.start();
      partnerEvents.start();
      notices?.start();
      sweeper = startLinkageSweeper({ linkages, logger, periodMs: settings.grants.sweeperPeriodSeconds * 1000 });
      funnelSweep = setInterval(() => {
        consentFunnel.sweep().catch((err: Error) => logger.warn('consent funnel sweep failed', { error: err.name }));
      }, settings.ops.consentFunnelSweepSeconds * 1000);
      funnelSweep.unref();
    },
    async close() {
      await sweeper?.stop();
      clearInterval(funnelSweep);
      // Sends in flight finish first: they write to the audit trail and the store.
      await partnerEvents.stop();
      await notices?.stop();
      // The audit trail first: its last events and checkpoint need the store.
      await audit.close();
      // Then the buffer goes to the record store, last checkpoint included.
      await archiver.stop();
      await availability.close();
      await partnerStatus.close();
      await httpCore?.close();
      await records.close();
      await store.close();
    },
  };
};

/**
 * The production refusals that need more than the files (loadConfig checks those): the demo
 * routes, and demo staff left in the store by an earlier trial on the same Redis. Before anything
 * starts, so that a refusal leaves nothing running.
 */
const refuseDemoPieces = async (config: Config, store: Store, clock: Clock) => {
  if (config.demo)
    throw new ConfigError('routes', [
      'the demo routes /demo and /demo/outbox would be served (demo data loaded) with NODE_ENV=production',
    ]);
  const staff = createStaffAccounts({ store, clock });
  for (const username of DEMO_STAFF_USERNAMES) {
    if (await staff.find(username))
      throw new ConfigError('the store', [
        `the demo staff account "${username}" exists: a trial used this store; NODE_ENV=production needs a fresh one`,
      ]);
  }
};
