import type { Clock } from '../shared/clock.ts';
import type { Store } from '../store/store.ts';

const OPEN_SET = 'funnel:consent:open';
const keyOf = (uid: string) => `funnel:consent:${uid}`;
/** How long the set of open consents lives without any new one; every show extends it. */
const SET_TTL_SECONDS = 7 * 24 * 3600;

export interface ConsentFunnelCounts {
  shown(): void;
  abandoned(n: number): void;
}

/**
 * The consent funnel across instances: a consent page shown is remembered in the store until its
 * interaction would expire; a decision (agreed, declined) forgets it; one still open after that
 * was abandoned. The sweep claims each abandoned one by deleting its key, so that of several
 * instances sweeping at once exactly one counts it.
 */
export const createConsentFunnel = (deps: {
  store: Store;
  clock: Clock;
  interactionSeconds: number;
  counts: ConsentFunnelCounts;
}) => {
  const { store, clock } = deps;
  return {
    /** The consent page of an interaction was shown (counted once per interaction). */
    async shown(uid: string) {
      const expiresAt = clock.now() + deps.interactionSeconds * 1000;
      const fresh = await store.setIfAbsent(keyOf(uid), String(expiresAt), deps.interactionSeconds * 2 + 3600);
      if (!fresh) return;
      deps.counts.shown();
      await store.addToSet(OPEN_SET, [uid], SET_TTL_SECONDS);
    },
    /** The customer agreed or declined: no longer open. */
    async decided(uid: string) {
      await store.del([keyOf(uid)]);
      await store.removeFromSet(OPEN_SET, [uid]);
    },
    /** Counts (once, across instances) the consents left open past their interaction's expiry. */
    async sweep() {
      const now = clock.now();
      let abandoned = 0;
      for (const uid of await store.setMembers(OPEN_SET)) {
        const expiresAt = await store.get(keyOf(uid));
        if (expiresAt !== undefined && Number(expiresAt) > now) continue;
        if (expiresAt !== undefined && (await store.del([keyOf(uid)])) === 1) abandoned += 1;
        await store.removeFromSet(OPEN_SET, [uid]);
      }
      if (abandoned) deps.counts.abandoned(abandoned);
      return abandoned;
    },
  };
};

export type ConsentFunnel = ReturnType<typeof createConsentFunnel>;
