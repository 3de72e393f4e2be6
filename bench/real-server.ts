// The real server as the bench runs it: `npm start` (src/main.ts) in a process of its own, in a
// production-like configuration — the Redis store and the PostgreSQL record store (private
// instances), demo data, the access log and the metrics (always on) — on the always-open calendar.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  startDatabase,
  startNode,
  startRedis,
  type NodeProcess,
  type PrivateDatabase,
  type PrivateRedis,
} from './support.ts';

export const METRICS_TOKEN = 'bench-metrics-token-0123456789';

export interface RealServer {
  proc: NodeProcess;
  redis: PrivateRedis;
  db?: PrivateDatabase;
  url: string;
  tokenEndpoint: string;
  revocationEndpoint: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const startRealServer = async (options: {
  work: string;
  postgres: boolean;
  postgresOwnerUrl?: string;
  profileDir?: string;
  log(m: string): void;
}): Promise<RealServer> => {
  const [redis, db, port] = await Promise.all([
    startRedis(),
    options.postgres ? startDatabase(options.postgresOwnerUrl) : undefined,
    freePort(),
  ]);
  options.log(`redis${db ? ' and postgres' : ''} up`);
  const url = `http://127.0.0.1:${port}`;
  const overlay = join(options.work, 'real-settings.json');
  // Logins all come from one address: the per-IP throttle would otherwise be what the bench measures.
  writeFileSync(
    overlay,
    JSON.stringify({ identityCheck: { ipLimit: { maxFailures: 1_000_000 } }, dataApi: { pageSize: 100 } }),
  );
  const proc = startNode('real', 'src/main.ts', {
    nodeArgs: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [],
    env: {
      NODE_ENV: 'development',
      PORT: String(port),
      ISSUER: url,
      REDIS_URL: redis.url,
      ...(db ? { DATABASE_URL: db.url, DATABASE_OWNER_URL: db.ownerUrl, DATABASE_MIGRATE_AT_START: 'true' } : {}),
      DEMO_DATA: 'on',
      METRICS_TOKEN,
      CONFIG_FILE: overlay,
      CALENDAR_FILE: 'config/demo/calendar-always-open.json',
    },
  });
  const stop = async (signal?: NodeJS.Signals) => {
    await proc.stop(signal);
    await Promise.all([redis.stop(), db?.stop()]);
  };
  try {
    for (let i = 0; ; i += 1) {
      const ok = await fetch(`${url}/readyz`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      if (proc.child.exitCode !== null || i > 1200)
        throw new Error(`the server did not start:\n${proc.lines.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (e) {
    await stop('SIGKILL');
    throw e;
  }
  options.log('server ready');
  const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  return {
    proc,
    redis,
    db,
    url,
    tokenEndpoint: discovery.token_endpoint,
    revocationEndpoint: discovery.revocation_endpoint,
    stop,
  };
};
