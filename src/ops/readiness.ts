import type { Store } from '../store/store.ts';

export interface ReadinessChecks {
  store: Store;
  /** Resolves when the signing keys are loaded and usable (rejects otherwise). */
  keys: () => Promise<void>;
  /** True once the process is shutting down: not ready, so the load balancer stops sending. */
  draining?: () => boolean;
}

export interface Readiness {
  ready: boolean;
  draining: boolean;
  checks: { store: 'ok' | 'unavailable'; keys: 'ok' | 'unavailable' };
}

/**
 * Ready when the store answers a ping and the signing keys are in place, and not shutting down.
 * Only the hot store counts: the core-banking gateway or the record store being down gives the
 * customer a 503 page, not an instance taken out of the load balancer's pool.
 */
export const checkReadiness = async (deps: ReadinessChecks): Promise<Readiness> => {
  const draining = deps.draining?.() ?? false;
  const [store, keys] = await Promise.all([
    deps.store.ping().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
    deps.keys().then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    ),
  ]);
  return { ready: !draining && store === 'ok' && keys === 'ok', draining, checks: { store, keys } };
};
