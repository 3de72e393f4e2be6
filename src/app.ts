import { setTimeout as sleep } from 'node:timers/promises';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import { createLoggingAuditLog, type AuditLog } from './audit/audit-log.ts';
import type { Config } from './config/load-config.ts';
import { createDemoCoreBanking } from './core-banking/demo/index.ts';
import type { CoreBanking } from './core-banking/port.ts';
import { demoPartnerRouter } from './demo-partner/router.ts';
import { createConsentRecords } from './grants/consent-records.ts';
import { createGrantRecords, type GrantRecords } from './grants/grant-records.ts';
import { createGrantRevocation, type GrantRevocation } from './grants/revocation.ts';
import { errorHandler, requestId } from './http/error-handler.ts';
import { resolveLocale } from './http/locale.ts';
import { createRenderer } from './http/render.ts';
import { securityHeaders } from './http/security-headers.ts';
import { staticFiles } from './http/static-files.ts';
import { translator } from './i18n/index.ts';
import { createIdentityCheck } from './identity-check/identity-check.ts';
import { interactionRouter } from './interaction/router.ts';
import { createInteractionStates } from './interaction/state.ts';
import { createPartnerRegistry, type PartnerRegistry } from './partners/registry.ts';
import { createPartnerStatusCache, type PartnerStatusCache } from './partners/status-cache.ts';
import { resourceApiRouter } from './resource-api/router.ts';
import { createProvider } from './protocol/provider.ts';
import { publicPagesRouter } from './public-pages/router.ts';
import { createAjv } from './shared/json-schema.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { createStore } from './store/create-store.ts';
import type { Store } from './store/store.ts';

/** What tests (and a real deployment) may put in place of the defaults: the ports. */
export interface AppOverrides {
  clock?: Clock;
  store?: Store;
  coreBanking?: CoreBanking;
  logger?: Logger;
  audit?: AuditLog;
  sleep?: (ms: number) => Promise<void>;
}

export interface App {
  koa: Koa;
  provider: Provider;
  store: Store;
  config: Config;
  audit: AuditLog;
  /** The core-banking port in use (bank staff's unlock goes through it). */
  coreBanking: CoreBanking;
  partners: PartnerRegistry;
  partnerStatus: PartnerStatusCache;
  grants: GrantRecords;
  revocation: GrantRevocation;
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
  const store = overrides.store ?? createStore({
    redisUrl: settings.store.redisUrl,
    redisClusterNodes: settings.store.redisClusterNodes,
    keyPrefix: settings.store.keyPrefix,
    clock,
    logger,
  });
  const audit = overrides.audit ?? createLoggingAuditLog({ logger, clock, instance });
  const ajv = createAjv();
  const render = createRenderer(config.rootDir);

  if (!overrides.coreBanking && !config.demo) throw new Error('no core-banking connector configured');
  const coreBanking = overrides.coreBanking ?? createDemoCoreBanking({ data: config.demo!.coreBanking, store, clock });

  const partners = createPartnerRegistry({ store, definitions: config.partners });
  const partnerStatus = await createPartnerStatusCache({ store, registry: partners, refreshMs: 5000, logger });
  const grants = createGrantRecords({ store, clock });
  const consents = createConsentRecords({ store, clock, retentionDays: settings.lifetimes.consentRecordRetentionDays });
  const revocation = createGrantRevocation({ store, grants, audit, clock });
  const states = createInteractionStates({ store, ttlSeconds: settings.lifetimes.interactionSeconds });

  // The demo partner app lives inside this server: its callback is registered at run time.
  const demoPartnerIds = new Set(config.demo ? config.partners.filter((p) => p.file.startsWith(settings.demo.dir)).map((p) => p.partner.client_id) : []);
  const demoCallback = `${settings.server.issuer}/demo/callback`;

  const provider = createProvider({
    config,
    store,
    partners,
    grants,
    coreBanking,
    revocation,
    extraRedirectUris: (clientId) => (demoPartnerIds.has(clientId) ? [demoCallback] : []),
    renderError: async (ctx, out) => {
      const locale = resolveLocale(ctx as never);
      render(ctx as never, 'error', { code: out.error, messageKey: 'error.generic' }, { locale, title: translator(locale)('error.title'), status: ctx.status >= 400 ? ctx.status : 400 });
    },
  });

  const koa = new Koa({ proxy: settings.server.trustProxy });
  koa.keys = [...config.secrets.cookieKeys];
  koa.use(errorHandler(logger));
  koa.use(requestId);
  koa.use(securityHeaders({ hsts: settings.server.issuer.startsWith('https:') }));
  koa.use(staticFiles(config.rootDir));

  const identityCheck = createIdentityCheck({ coreBanking, store, clock, audit, settings: settings.identityCheck, sleep: overrides.sleep ?? ((ms: number) => sleep(ms)) });
  const interactionDeps = { config, provider, store, partners, coreBanking, grants, consents, states, render, clock, logger, audit, ajv, identityCheck };
  const routers = [
    interactionRouter(interactionDeps),
    resourceApiRouter({ config, store, clock, coreBanking, partners: partnerStatus, audit }),
    publicPagesRouter({ config, render, clock }),
  ];
  if (config.demo) routers.push(demoPartnerRouter({ config, demoPartnerIds, callbackUrl: demoCallback, logger }));
  for (const router of routers) koa.use(router.routes()).use(router.allowedMethods());

  koa.use(async (ctx, next) => {
    if (ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    await next();
  });

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
    coreBanking,
    partners,
    partnerStatus,
    grants,
    revocation,
    async close() {
      await partnerStatus.close();
      await store.close();
    },
  };
};
