import { createRouter } from '../http/router.ts';
import { noStore } from '../http/no-store.ts';
import type { Metrics } from './metrics.ts';
import { operatorAccess } from './operator-access.ts';
import { checkReadiness, type ReadinessChecks } from './readiness.ts';

export interface OpsRouterDeps {
  metrics: Metrics;
  /** Brings counters that are computed from the store up to date (the consent funnel's abandoned). */
  beforeScrape?: () => Promise<unknown>;
  readiness: ReadinessChecks;
  access: { metricsToken: string | null; allowLoopback: boolean };
}

/**
 * /healthz: the process is up (open to all: load balancers and Docker's HEALTHCHECK use it).
 * /readyz: the store answers and the keys are loaded, 200 or 503.
 * /metrics: Prometheus text. The last two only for operators (./operator-access.ts).
 */
export const opsRouter = (deps: OpsRouterDeps) => {
  const router = createRouter();
  const operatorsOnly = operatorAccess(deps.access);

  router.get('/healthz', noStore, (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', operatorsOnly, async (ctx) => {
    const readiness = await checkReadiness(deps.readiness);
    ctx.status = readiness.ready ? 200 : 503;
    ctx.body = {
      status: readiness.ready ? 'ready' : readiness.draining ? 'draining' : 'not_ready',
      checks: readiness.checks,
    };
  });
  router.get('/metrics', operatorsOnly, async (ctx) => {
    await deps.beforeScrape?.();
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  return router;
};
