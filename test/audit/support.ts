import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAuditTrail, createCheckpointSigner, verifyAuditTrail, type AuditTrail } from '../../src/audit/index.ts';
import type { SigningKeys } from '../../src/config/schema.ts';
import type { Clock } from '../../src/shared/clock.ts';
import type { Deadlines } from '../../src/shared/deadline.ts';
import { createLogger, type Logger } from '../../src/shared/logger.ts';
import { RedisStore } from '../../src/store/redis-store.ts';
import type { Store } from '../../src/store/store.ts';
import { testRedisUrl } from '../store/store-harness.ts';
import { ROOT } from '../support/demo.ts';

/** The committed demo signing keys: what the server signs checkpoints with in the tests. */
export const demoSigningKeys = (): SigningKeys =>
  JSON.parse(readFileSync(join(ROOT, 'config/demo/keys/jwks.json'), 'utf8'));

export const RETENTION_DAYS = 30;

/** An audit trail as the server builds it, with checkpoints every `every` events and no timer. */
export const trailOn = (
  store: Store,
  clock: Clock,
  options: { instance: string; every?: number; logger?: Logger; seconds?: number; deadlines?: Deadlines },
): AuditTrail =>
  createAuditTrail({
    store,
    clock,
    instance: options.instance,
    logger: options.logger ?? createLogger({ write: () => {} }),
    settings: {
      retentionDays: RETENTION_DAYS,
      checkpointEveryEvents: options.every ?? 1000,
      checkpointEverySeconds: options.seconds ?? 86_400,
    },
    signer: createCheckpointSigner(demoSigningKeys()),
    checkpointTimer: false,
    deadlines: options.deadlines,
  });

export const verify = (store: Store, clock: Clock) =>
  verifyAuditTrail({ store, signingKeys: demoSigningKeys(), retentionDays: RETENTION_DAYS, now: clock.now() });

/** A data-call event as the resource API records it. */
export const dataCall = (n: number, partnerId = 'demo-kakeibo', grantId = 'grant-1') => ({
  kind: 'data.access',
  result: 'success' as const,
  partnerId,
  actor: partnerId,
  details: { route: '/api/v1/accounts', status: 200, grantId, n },
});

/** A Redis connection that is up before it is used: on a busy machine connecting can outlast the store's 1 s wait. */
export const connectedRedis = async (keyPrefix: string): Promise<RedisStore> => {
  const redis = new RedisStore({ url: testRedisUrl(), keyPrefix });
  for (let attempt = 1; ; attempt += 1) {
    try {
      await redis.ping();
      return redis;
    } catch (error) {
      if (attempt === 10) {
        await redis.close();
        throw error;
      }
    }
  }
};
