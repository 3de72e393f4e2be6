import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';

const WINDOW_SECONDS = 60;

/**
 * Server-provided DPoP nonces for the data API (RFC 9449 §9): stateless, derived from the shared
 * secret and the current minute, so every instance issues and accepts the same ones. A nonce is
 * good for the current and the previous minute.
 */
export const createDpopNonces = (deps: { secret: Buffer; clock: Clock }) => {
  const at = (window: number) => createHmac('sha256', deps.secret).update(`data-api:${window}`).digest('base64url');
  const window = () => Math.floor(deps.clock.now() / 1000 / WINDOW_SECONDS);
  return {
    current: () => at(window()),
    accepts(nonce: string) {
      const given = Buffer.from(nonce);
      return [window(), window() - 1].some((w) => {
        const expected = Buffer.from(at(w));
        return expected.length === given.length && timingSafeEqual(expected, given);
      });
    },
  };
};

export type DpopNonces = ReturnType<typeof createDpopNonces>;
