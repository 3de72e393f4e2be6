// npm run bench — the data call, refresh and logins of the real server side by side with reference
// servers on the same node, koa, jose, ioredis and oidc-provider, each in a process of its own, each
// with a redis-server of its own, driven by autocannon in alternated rounds. Prints one table with
// the targets met / not met and the per-call costs docs/capacity.md uses, and writes JSON.
//
// Settings (environment): BENCH_SECONDS (measured window, default 8), BENCH_WARMUP (seconds, 2),
// BENCH_ROUNDS (3; 5 for a longer run), BENCH_CONNECTIONS ("10,50"), BENCH_LOGIN_CONCURRENCY (16),
// BENCH_SCENARIOS ("data,refresh,logins": which to run), BENCH_JSON (where the JSON goes, default
// bench/last-run.json), BENCH_PROFILE (a directory: the real server runs under --cpu-prof and
// writes its profile there on exit), BENCH_POSTGRES=0 (no record store), BENCH_DATABASE_OWNER_URL
// (a PostgreSQL to create the bench's database on instead of a private server), BENCH_SMOKE=1 (a
// few seconds, what npm test runs: the harness works, nothing is judged), BENCH_V8 (V8 flags for
// every side alike, e.g. "--max-semi-space-size=16").
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import autocannon from 'autocannon';
import { browser, CLIENT_ID, clientPrivateJwk, DEMO_CUSTOMER, field, link } from './linkage.ts';
import { clientAssertion, dpopProof, es256Signer, freshEcJwk, type Signer } from './proofs.ts';
import { startRealServer } from './real-server.ts';
import {
  freePort,
  ROOT,
  startNode,
  startRedis,
  type NodeProcess,
  type PrivateDatabase,
  type PrivateRedis,
} from './support.ts';

const env = process.env;
const SMOKE = env.BENCH_SMOKE === '1';
const SECONDS = Number(env.BENCH_SECONDS ?? (SMOKE ? 0.6 : 8));
const WARMUP = Number(env.BENCH_WARMUP ?? (SMOKE ? 0.3 : 2));
const ROUNDS = Number(env.BENCH_ROUNDS ?? (SMOKE ? 1 : 3));
const CONNECTIONS = (env.BENCH_CONNECTIONS ?? (SMOKE ? '10' : '10,50')).split(',').map(Number);
const LOGIN_CONCURRENCY = Number(env.BENCH_LOGIN_CONCURRENCY ?? (SMOKE ? 2 : 16));
const JSON_OUT = env.BENCH_JSON ?? join(ROOT, 'bench', 'last-run.json');
const PROFILE_DIR = env.BENCH_PROFILE;
const SCENARIOS = new Set((env.BENCH_SCENARIOS ?? 'data,refresh,logins').split(','));
const started = Date.now();
const log = (m: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

// ---------- the sides ----------

interface Side {
  name: string;
  proc: NodeProcess;
  redis: PrivateRedis;
  db?: PrivateDatabase;
  url: string;
  accessToken: string;
  refreshToken?: string;
  tokenEndpoint?: string;
}

const work = mkdtempSync(join(tmpdir(), 'bench-'));
const stopAll: (() => Promise<void>)[] = [];
const cleanup = async () => {
  log('stopping');
  await Promise.all(stopAll.map((stop) => stop().catch(() => undefined)));
  rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const dpopJwk = await freshEcJwk();
const dpop = es256Signer(dpopJwk);
const clientSigner = es256Signer(clientPrivateJwk());

const startReal = async (): Promise<Side> => {
  const server = await startRealServer({
    work,
    postgres: env.BENCH_POSTGRES !== '0',
    postgresOwnerUrl: env.BENCH_DATABASE_OWNER_URL,
    profileDir: PROFILE_DIR,
    log,
  });
  stopAll.push(() => server.stop(SMOKE ? 'SIGKILL' : 'SIGTERM'));
  const before = await server.redis.memory();
  const { tokens } = await linkWith(server.url);
  const after = await server.redis.memory();
  linkageMemory = { keys: after.keys - before.keys, bytes: after.bytes - before.bytes };
  return {
    name: 'real',
    ...server,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
  };
};

/** The linkage with the bench's own DPoP key (link() makes one; the bench signs with this one). */
const linkWith = async (url: string) => {
  const linked = await link(url);
  dpopOf.set(url, es256Signer(linked.dpopJwk));
  return linked;
};
const dpopOf = new Map<string, Signer>();
/** What one linkage (its authorization's session keys included) holds in Redis. */
let linkageMemory = { keys: 0, bytes: 0 };

const startRef = async (name: string, script: string, extra: Record<string, string>): Promise<Side> => {
  const [redis, port] = await Promise.all([startRedis(), freePort()]);
  stopAll.push(() => redis.stop());
  const url = `http://127.0.0.1:${port}`;
  const proc = startNode(name, script, {
    env: { PORT: String(port), ISSUER: url, REDIS_URL: redis.url, BODY_FILE: join(work, 'body.json'), ...extra },
  });
  stopAll.push(() => proc.stop(SMOKE ? 'SIGKILL' : 'SIGTERM'));
  const ready = await proc.ready;
  dpopOf.set(url, dpop);
  return {
    name,
    proc,
    redis,
    url,
    accessToken: String(ready.accessToken ?? ''),
    refreshToken: ready.refreshToken ? String(ready.refreshToken) : undefined,
    tokenEndpoint: `${url}/token`,
  };
};

// ---------- one measured run ----------

interface Run {
  side: string;
  scenario: string;
  connections: number;
  round: number;
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  cpuUsPerRequest: number;
  peakRssMb: number;
  redisCommandsPerRequest: number;
  redisBytesPerRequest: number;
  redisPerCommand?: Record<string, number>;
  pgRowsPerRequest?: number;
  pgBytesPerRequest?: number;
  /** 503 answers are `congested`; `admissionPage` counts those that were the 混雑 page itself. */
  logins?: {
    admitted: number;
    congested: number;
    admissionPage: number;
    other: number;
    perSecond: number;
    congestedShare: number;
    admissionPageShare: number;
  };
  statusCodes: Record<string, number>;
  lateSigned: number;
}

type Make = () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string };

const dataCall =
  (side: Side): Make =>
  () => {
    const htu = `${side.url}/api/v1/accounts`;
    return {
      method: 'GET',
      path: '/api/v1/accounts',
      headers: {
        authorization: `DPoP ${side.accessToken}`,
        dpop: dpopProof(dpopOf.get(side.url)!, 'GET', htu, side.accessToken),
      },
    };
  };

const refreshCall = (side: Side): Make => {
  const endpoint = new URL(side.tokenEndpoint!);
  return () => ({
    method: 'POST',
    path: endpoint.pathname,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      dpop: dpopProof(dpopOf.get(side.url)!, 'POST', endpoint.href),
    },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: side.refreshToken!,
      client_id: CLIENT_ID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(clientSigner, CLIENT_ID, side.url),
    }).toString(),
  });
};

/** autocannon's run, timed from its start to its last response (it only stops on a sample tick). */
const cannon = (
  side: Side,
  connections: number,
  next: () => ReturnType<Make>,
  limit: { amount?: number; duration?: number },
) =>
  new Promise<{ result: autocannon.Result; seconds: number }>((resolve, reject) => {
    let t0 = performance.now();
    let last = t0;
    const instance = autocannon(
      {
        url: side.url,
        connections: Math.min(connections, limit.amount ?? connections),
        sampleInt: 100,
        ...(limit.amount ? { amount: limit.amount } : { duration: limit.duration }),
        requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, ...next() }) }],
      },
      (err, result) => (err ? reject(err) : resolve({ result, seconds: (last - t0) / 1000 })),
    );
    instance.once('start', () => (t0 = performance.now()));
    instance.on('response', () => (last = performance.now()));
  });

/** Customers logging in on the my page (PIN check) in a loop until `until` says stop. */
const loginLoad = (url: string, concurrency: number) => {
  const counts = { admitted: 0, congested: 0, admissionPage: 0, other: 0 };
  let stop = false;
  const one = async () => {
    const go = browser(`${url}/never`);
    const page = await go(`${url}/my`);
    const c = DEMO_CUSTOMER;
    const res = await go(`${url}/my/login`, {
      csrf: field(page.html, 'csrf'),
      branch: c.branch,
      accountType: c.accountType,
      accountNumber: c.accountNumber,
      pin: c.pin,
    });
    if (res.status === 503) {
      counts.congested += 1;
      // The login admission limit's page, not the generic 「混み合っているか、点検しています」 one.
      if (res.html.includes('ただいま混み合っています')) counts.admissionPage += 1;
    } else if (res.status === 200 && /name="otp"/.test(res.html)) counts.admitted += 1;
    else counts.other += 1;
  };
  const workers = Array.from({ length: concurrency }, async () => {
    while (!stop) await one().catch(() => (counts.other += 1));
  });
  return {
    counts,
    async end() {
      stop = true;
      await Promise.all(workers);
    },
  };
};

const measure = async (
  side: Side,
  scenario: string,
  connections: number,
  round: number,
  make: Make,
  withLogins = 0,
): Promise<Run> => {
  // Logins (when asked) run from before the warm-up, so that its rate is the rate beside them.
  const logins = withLogins ? loginLoad(side.url, withLogins) : undefined;
  // Warm-up: proofs signed on the fly (not measured); its rate sizes the measured window's proofs.
  // (The smoke test counts requests instead: it checks the harness, not the speed.)
  const warm = await cannon(side, connections, make, SMOKE ? { amount: 20 } : { duration: WARMUP });
  const warmRate = warm.result.requests.total / Math.max(warm.seconds, 0.1);
  // The measured window lasts SECONDS (a saturated side must not stretch the run); proofs for 2.5 ×
  // the warm-up's rate are signed before it, and any beyond are signed on the fly and reported.
  const amount = SMOKE ? 40 : Math.max(1000, Math.ceil(warmRate * SECONDS * 2.5));
  const signed = Array.from({ length: amount }, make);
  let late = 0;
  let i = 0;
  const next = () => {
    if (i < signed.length) return signed[i++];
    late += 1;
    return make();
  };
  const loginsBefore = logins ? { ...logins.counts } : undefined;
  const cpu0 = side.proc.cpuSeconds();
  const r0 = await side.redis.counters();
  const pg0 = side.db && scenario !== 'logins' ? await side.db.counters() : undefined;
  let peak = side.proc.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, side.proc.rss())), 100);
  const { result, seconds } = await cannon(side, connections, next, SMOKE ? { amount } : { duration: SECONDS });
  const cpu1 = side.proc.cpuSeconds();
  clearInterval(sampler);
  peak = Math.max(peak, side.proc.rss());
  const loginCounts = logins ? { ...logins.counts } : undefined;
  if (logins) await logins.end();
  const r1 = await side.redis.counters();
  const pg1 = pg0 && side.db ? await side.db.counters() : undefined;
  const n = Math.max(result.requests.total, 1);
  const perCommand: Record<string, number> = {};
  for (const [k, v] of Object.entries(r1.perCommand)) {
    const d = (v - (r0.perCommand[k] ?? 0)) / n;
    if (d > 0.001) perCommand[k] = Number(d.toFixed(3));
  }
  let loginStats: Run['logins'];
  if (loginCounts && loginsBefore) {
    const admitted = loginCounts.admitted - loginsBefore.admitted;
    const congested = loginCounts.congested - loginsBefore.congested;
    const admissionPage = loginCounts.admissionPage - loginsBefore.admissionPage;
    const other = loginCounts.other - loginsBefore.other;
    loginStats = {
      admitted,
      congested,
      admissionPage,
      other,
      perSecond: admitted / seconds,
      congestedShare: congested / Math.max(admitted + congested + other, 1),
      admissionPageShare: admissionPage / Math.max(admitted + congested + other, 1),
    };
  }
  const run: Run = {
    side: side.name,
    scenario,
    connections,
    round,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUsPerRequest: ((cpu1 - cpu0) * 1e6) / n,
    peakRssMb: peak / 2 ** 20,
    redisCommandsPerRequest: (r1.commands - r0.commands) / n,
    redisBytesPerRequest: (r1.bytes - r0.bytes) / n,
    redisPerCommand: perCommand,
    ...(pg0 && pg1
      ? { pgRowsPerRequest: (pg1.rows - pg0.rows) / n, pgBytesPerRequest: (pg1.bytes - pg0.bytes) / n }
      : {}),
    ...(loginStats ? { logins: loginStats } : {}),
    lateSigned: late,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, (v as { count: number }).count]),
    ),
  };
  log(
    `${scenario} ${side.name} c=${connections} round ${round}: ${run.rps.toFixed(0)} req/s, ` +
      `p99 ${run.p99} ms, ${run.cpuUsPerRequest.toFixed(0)} µs CPU` +
      (run.logins ? `, logins ${run.logins.perSecond.toFixed(1)}/s` : ''),
  );
  return run;
};

// ---------- the run ----------

log(`starting: ${ROUNDS} round(s), ${SECONDS} s measured + ${WARMUP} s warm-up, c=${CONNECTIONS.join(',')}`);
const clientFile = join(work, 'client.json');
writeFileSync(
  clientFile,
  JSON.stringify({
    client_id: CLIENT_ID,
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: ['https://partner.example/callback'],
    jwks: { keys: [{ ...clientSigner.publicJwk, kid: clientSigner.kid, alg: 'ES256', use: 'sig' }] },
  }),
);
const jwksFile = join(work, 'jwks.json');
const serverKey = await freshEcJwk();
writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...serverKey, kid: 'bench', alg: 'ES256', use: 'sig' }] }));
const refEnv = { DPOP_JKT: dpop.jkt, CLIENT_FILE: clientFile, JWKS_FILE: jwksFile };
const [real, bare, limit, upstream] = await Promise.all([
  startReal(),
  startRef('bare koa', 'bench/refs/bare.ts', refEnv),
  startRef('limit', 'bench/refs/limit.ts', refEnv),
  startRef('upstream', 'bench/refs/upstream.ts', refEnv),
]);
log(`all servers up; the real one at ${real.url}, linked`);
// The references answer the real server's JSON (they read it at their first request).
const first = await fetch(`${real.url}/api/v1/accounts`, { headers: dataCall(real)().headers });
if (first.status !== 200) throw new Error(`the real data call answered ${first.status}: ${await first.text()}`);
writeFileSync(join(work, 'body.json'), await first.text());

const runs: Run[] = [];
const rotate = <T>(xs: T[], k: number) => xs.map((_, i) => xs[(i + k) % xs.length]);
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const c of CONNECTIONS) {
    if (SCENARIOS.has('data'))
      for (const side of rotate([real, bare, limit, upstream], round - 1)) {
        runs.push(await measure(side, 'data', c, round, dataCall(side)));
      }
    if (SCENARIOS.has('refresh'))
      for (const side of rotate([real, upstream], round - 1)) {
        runs.push(await measure(side, 'refresh', c, round, refreshCall(side)));
      }
  }
  if (SCENARIOS.has('logins'))
    runs.push(await measure(real, 'logins', CONNECTIONS[0], round, dataCall(real), LOGIN_CONCURRENCY));
  log(`round ${round}/${ROUNDS} done`);
}
const rssAtRest = real.proc.rss() / 2 ** 20;
const redisKeys = (await real.redis.counters()).keys;
// What the load left in Redis (replay markers, refreshed access tokens, my-page sessions...).
const redisMemory = await real.redis.memory();
await cleanup();

// ---------- the table ----------

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pick = (side: string, scenario: string, c: number) =>
  runs.filter((r) => r.side === side && r.scenario === scenario && r.connections === c);
const sideName = (s: string, scenario: string) => (scenario === 'refresh' && s === 'upstream' ? 'raw refresh' : s);
const summary = (side: string, scenario: string, c: number) => {
  const rs = pick(side, scenario, c);
  return {
    side: sideName(side, scenario),
    scenario,
    connections: c,
    rounds: rs.length,
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    cpuUs: median(rs.map((r) => r.cpuUsPerRequest)),
    peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
    non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
    errors: rs.reduce((a, r) => a + r.errors, 0),
    lateSigned: rs.reduce((a, r) => a + r.lateSigned, 0),
    statusCodes: rs.reduce<Record<string, number>>((a, r) => {
      for (const [k, v] of Object.entries(r.statusCodes)) a[k] = (a[k] ?? 0) + v;
      return a;
    }, {}),
    redisCommands: median(rs.map((r) => r.redisCommandsPerRequest)),
    redisBytes: median(rs.map((r) => r.redisBytesPerRequest)),
    redisPerCommand: rs.at(-1)?.redisPerCommand,
    pgRows: rs[0]?.pgRowsPerRequest === undefined ? undefined : median(rs.map((r) => r.pgRowsPerRequest!)),
    pgBytes: rs[0]?.pgBytesPerRequest === undefined ? undefined : median(rs.map((r) => r.pgBytesPerRequest!)),
    logins: rs[0]?.logins
      ? {
          perSecond: median(rs.map((r) => r.logins!.perSecond)),
          congestedShare: median(rs.map((r) => r.logins!.congestedShare)),
          admissionPageShare: median(rs.map((r) => r.logins!.admissionPageShare)),
          other: rs.reduce((a, r) => a + r.logins!.other, 0),
        }
      : undefined,
  };
};
const rows = [
  ...CONNECTIONS.flatMap((c) => ['real', 'bare koa', 'limit', 'upstream'].map((s) => summary(s, 'data', c))),
  ...CONNECTIONS.flatMap((c) => ['real', 'upstream'].map((s) => summary(s, 'refresh', c))),
  summary('real', 'logins', CONNECTIONS[0]),
].filter((r) => r.rounds > 0);

/** Median over rounds of the per-round ratio a/b (noise in one round hits both sides of it). */
const ratio = (a: Run[], b: Run[], f: (r: Run) => number) =>
  median(a.map((r, i) => (b[i] ? f(r) / f(b[i]) : NaN)).filter((x) => !Number.isNaN(x)));
const targets: { name: string; value: number; target: string; met: boolean }[] = [];
const atLeast = (name: string, value: number, min: number) =>
  targets.push({ name, value, target: `≥ ${min}`, met: value >= min });
const atMost = (name: string, value: number, max: number, unit = '') =>
  targets.push({ name, value, target: `≤ ${max}${unit}`, met: value <= max });
for (const c of CONNECTIONS) {
  atLeast(
    `data c=${c} ÷ limit`,
    ratio(pick('real', 'data', c), pick('limit', 'data', c), (r) => r.rps),
    0.85,
  );
  atLeast(
    `data c=${c} ÷ upstream`,
    ratio(pick('real', 'data', c), pick('upstream', 'data', c), (r) => r.rps),
    1.0,
  );
  atLeast(
    `refresh c=${c} ÷ raw refresh`,
    ratio(pick('real', 'refresh', c), pick('upstream', 'refresh', c), (r) => r.rps),
    0.9,
  );
}
const cMax = Math.max(...CONNECTIONS);
atMost(
  `data p99 c=${cMax} ÷ limit p99`,
  ratio(pick('real', 'data', cMax), pick('limit', 'data', cMax), (r) => r.p99),
  1.5,
);
const c0 = CONNECTIONS[0];
const withLogins = pick('real', 'logins', c0);
atLeast(
  `data c=${c0} with logins ÷ without`,
  ratio(withLogins, pick('real', 'data', c0), (r) => r.rps),
  0.7,
);
atMost(
  `data p99 with logins ÷ without`,
  ratio(withLogins, pick('real', 'data', c0), (r) => r.p99),
  2,
);
atLeast('logins admitted per second', median(withLogins.map((r) => r.logins?.perSecond ?? 0)), 10);
atMost(`server RSS, data c=${cMax} (MB)`, summary('real', 'data', cMax).peakRssMb, 200);
atMost('server RSS with logins (MB)', summary('real', 'logins', c0).peakRssMb, 300);

const fmt = (n: number | undefined, d = 0) =>
  n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const pad = (s: string, w: number, right = false) => (right ? s.padEnd(w) : s.padStart(w));
const out: string[] = [];
const cpuModel = cpus()[0]?.model ?? 'cpu';
const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
const machine = `${cpus().length} × ${cpuModel}, ${memory}, Node ${process.versions.node}`;
out.push(`npm run bench — ${new Date().toISOString()} — ${machine}`);
out.push(
  `${ROUNDS} alternated round(s) of ${SECONDS} s (+${WARMUP} s warm-up) per side; medians; ` +
    'one machine, noisy: ratios, not absolutes',
);
out.push('');
const widths = [-9, -12, 3, 8, 7, 7, 11, 12, 8];
const line = (cells: string[]) => cells.map((c, i) => pad(c, Math.abs(widths[i]), widths[i] < 0)).join(' ');
out.push(line(['scenario', 'side', 'c', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'peak RSS MB', 'non-2xx']));
for (const r of rows) {
  const cells = [r.scenario, r.side, String(r.connections), fmt(r.rps), fmt(r.p50, 1), fmt(r.p99, 1)];
  cells.push(fmt(r.cpuUs), fmt(r.peakRssMb), String(r.non2xx + r.errors));
  const logins = r.logins
    ? `   logins admitted ${fmt(r.logins.perSecond, 1)}/s, ` +
      `503 ${fmt(r.logins.congestedShare * 100, 1)}% ` +
      `(the 混雑 page ${fmt(r.logins.admissionPageShare * 100, 1)}%)` +
      (r.logins.other ? `, other answers ${r.logins.other}` : '')
    : '';
  out.push(line(cells) + logins);
}
out.push('');
out.push('targets');
for (const t of targets)
  out.push(
    `  ${t.met ? 'met    ' : Number.isNaN(t.value) ? 'not run' : 'NOT MET'}  ${pad(t.name, 40, true)} ` +
      `${pad(fmt(t.value, 2), 7)}  (target ${t.target})`,
  );
out.push('');
out.push('per-call costs of the real server (docs/capacity.md)');
const costRow = (label: string, r: ReturnType<typeof summary>) =>
  `  ${pad(label, 22, true)} CPU ${pad(fmt(r.cpuUs), 5)} µs  ` +
  `Redis ${fmt(r.redisCommands, 2)} commands, ${fmt(r.redisBytes)} bytes` +
  (r.pgRows !== undefined ? `  PostgreSQL ${fmt(r.pgRows, 2)} rows, ${fmt(r.pgBytes)} bytes` : '') +
  `  [${Object.entries(r.redisPerCommand ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}]`;
out.push(costRow(`data call c=${cMax}`, summary('real', 'data', cMax)));
out.push(costRow(`refresh c=${cMax}`, summary('real', 'refresh', cMax)));
out.push(costRow(`data+logins c=${c0}`, summary('real', 'logins', c0)));
out.push(
  `  one linkage holds ${linkageMemory.keys} Redis keys, ${fmt(linkageMemory.bytes)} bytes ` +
    '(the authorization flow included)',
);
out.push(`  server RSS at rest after the run ${fmt(rssAtRest)} MB; Redis keys ${redisKeys}, by family (keys, bytes):`);
out.push(
  ...Object.entries(redisMemory.families)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, 8)
    .map(([f, v]) => `    ${f}  ${v.keys}  ${fmt(v.bytes)}`),
);
const late = rows.reduce((a, r) => a + r.lateSigned, 0);
if (late)
  out.push(`  note: ${late} proofs had to be signed during a measured window (the window outran its warm-up rate)`);
const failed = rows.filter((r) => r.non2xx + r.errors > 0);
if (failed.length)
  out.push(
    `  WARNING: non-2xx or errors on ${failed
      .map((r) => `${r.scenario}/${r.side}/c=${r.connections} (${JSON.stringify(r.statusCodes)}, errors ${r.errors})`)
      .join(', ')}`,
  );

// The record store's own figures (npm run bench:records), shortened so that the whole run stays
// within its time (BENCH_RECORDS_ARGS to change them, BENCH_RECORDS=0 to leave it out).
const recordsBench = join(ROOT, 'bench', 'records.ts');
let records: string | undefined;
if (existsSync(recordsBench) && !SMOKE && env.BENCH_RECORDS !== '0') {
  log('npm run bench:records (shortened)');
  const args = (env.BENCH_RECORDS_ARGS ?? '--calls 1500 --backlog 20000').split(' ').filter(Boolean);
  const r = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings=ExperimentalWarning', recordsBench, ...args],
    { cwd: ROOT, encoding: 'utf8', env: process.env, timeout: 150_000 },
  );
  records = r.error
    ? `did not finish: ${r.error.message}`
    : (r.stdout || r.stderr || '')
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('\n');
  out.push('');
  out.push(`npm run bench:records -- ${args.join(' ')}`);
  out.push(...records.split('\n').map((l) => `  ${l}`));
}

process.stdout.write(`${out.join('\n')}\n`);
writeFileSync(
  JSON_OUT,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine,
      settings: { SECONDS, WARMUP, ROUNDS, CONNECTIONS, LOGIN_CONCURRENCY },
      rows,
      targets,
      linkageMemory,
      redisMemory,
      runs,
      records,
    },
    null,
    2,
  )}\n`,
);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; JSON in ${JSON_OUT}`);
process.exit(0);
