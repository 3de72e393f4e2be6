import type { Logger } from '../shared/logger.ts';
import type { Store } from '../store/store.ts';
import type { PartnerRegistry } from './registry.ts';
import { messageOf } from '../shared/thrown.ts';

export const PARTNER_CHANGED_CHANNEL = 'partners:changed';

/**
 * Whether a partner may act right now, answered from memory on the data API's hot path.
 * Filled on first sight from the registry, updated at once by the change events every instance
 * publishes (a partner suspended on one instance stops on all), and, once started, re-read every
 * `refreshMs` in case an event was missed: the bound on staleness.
 */
export const createPartnerStatusCache = async (deps: {
  store: Store;
  registry: PartnerRegistry;
  refreshMs: number;
  logger: Logger;
}) => {
  const active = new Map<string, boolean>();
  const load = async (clientId: string) => {
    const partner = await deps.registry.findActive(clientId);
    active.set(clientId, partner !== undefined);
    return partner !== undefined;
  };
  const unsubscribe = await deps.store.subscribe(PARTNER_CHANGED_CHANNEL, (clientId) => {
    void load(clientId).catch((e) =>
      deps.logger.warn('partner status reload failed', { clientId, error: messageOf(e) }),
    );
  });
  let timer: NodeJS.Timeout | undefined;

  return {
    async isActive(clientId: string): Promise<boolean> {
      return active.get(clientId) ?? load(clientId);
    },
    /** Applies a change on this instance at once and tells every other instance. */
    async changed(clientId: string): Promise<void> {
      await load(clientId);
      await deps.store.publish(PARTNER_CHANGED_CHANNEL, clientId);
    },
    /** Starts the periodic re-read (the composition root's start): creating the cache starts no timer. */
    start() {
      if (timer) return;
      timer = setInterval(() => {
        for (const clientId of active.keys()) void load(clientId).catch(() => {});
      }, deps.refreshMs);
      timer.unref();
    },
    async close() {
      clearInterval(timer);
      timer = undefined;
      await unsubscribe();
    },
  };
};

export type PartnerStatusCache = Awaited<ReturnType<typeof createPartnerStatusCache>>;
