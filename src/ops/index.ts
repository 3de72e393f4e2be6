// Health, readiness and metrics: the operator endpoints.
export { httpMetrics } from './http-metrics.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { opsRouter } from './router.ts';
export { accessLog, notePartner } from './access-log.ts';
export { createConsentFunnel, type ConsentFunnel } from './consent-funnel.ts';
