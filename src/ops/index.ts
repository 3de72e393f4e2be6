// Health, readiness and metrics: the operator endpoints.
export { httpMetrics } from './http-metrics.ts';
export { createMetrics, type Metrics } from './metrics.ts';
export { opsRouter } from './router.ts';
