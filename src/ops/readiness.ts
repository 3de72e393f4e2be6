import type { Store } from '../store/store.ts';

export interface ReadinessChecks {
  store: Store;
  /** Resolves when the signing keys are loaded and usable (rejects otherwise). */
  keys: () => Promise<void>;
}

export interface Readiness {
  ready: boolean;
  checks: { store: 'ok' | 'unavailable'; keys: 'ok' | 'unavailable' };
}

/** Ready when the store answers a ping and the signing keys are in place. */
export const checkReadiness = async (deps: ReadinessChecks): Promise<Readiness> => {
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
  return { ready: store === 'ok' && keys === 'ok', checks: { store, keys } };
};
