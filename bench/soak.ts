// npm run bench:soak — the real server (same configuration as npm run bench) under a steady load of
// data calls and refreshes for BENCH_SOAK_MINUTES (default 10). Targets: RSS at the end within 10%
// of its value after the first minute; once the soak's grants are ended (the partner revokes its
// refresh tokens, which ends the linkage) and the replay windows have passed, the Redis key count
// back to its baseline: the count once the linkages were made, before the load (what a linkage
// keeps on purpose — consent evidence, the ended-grant marker — is in it). The replay markers live
// longest: oidc-provider's (client assertions and DPoP proofs at the token endpoint) about 310 s,
// the data API's 120 s; the soak waits up to BENCH_SOAK_SETTLE seconds (330) for the count.
// BENCH_SOAK_LOGINS=1 adds a login a second (their my-page sessions then outlive the wait).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { browser, CLIENT_ID, clientPrivateJwk, DEMO_CUSTOMER, field, link, type Customer } from './linkage.ts';
import { clientAssertion, dpopProof, es256Signer } from './proofs.ts';
import { startRealServer } from './real-server.ts';
import { ROOT } from './support.ts';

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 10);
const CONNECTIONS = Number(process.env.BENCH_SOAK_CONNECTIONS ?? 10);
const SETTLE_S = Number(process.env.BENCH_SOAK_SETTLE ?? 330);
const LOGINS = process.env.BENCH_SOAK_LOGINS === '1';
const started = Date.now();
const log = (m: string) => process.stderr.write(`[soak ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TWO_BRANCHES: Customer = {
  branch: '005',
  accountType: 'ordinary',
  accountNumber: '5500231',
  pin: '3690',
  totpSecret: 'XLCKB67EGHHMWWS7F45GMEWATPR65VUB',
};

const work = mkdtempSync(join(tmpdir(), 'bench-soak-'));
const server = await startRealServer({ work, postgres: process.env.BENCH_POSTGRES !== '0', log });
const clientSigner = es256Signer(clientPrivateJwk());
try {
  const keysAtStart = (await server.redis.counters()).keys;
  const linked: (Awaited<ReturnType<typeof link>> & { signer: ReturnType<typeof es256Signer> })[] = [];
  for (const customer of [DEMO_CUSTOMER, TWO_BRANCHES]) {
    const l = await link(server.url, customer);
    linked.push({ ...l, signer: es256Signer(l.dpopJwk) });
  }
  const baselineKeys = (await server.redis.counters()).keys;
  log(`linked ${linked.length}; Redis keys at start ${keysAtStart}, after the linkages (baseline) ${baselineKeys}`);

  const htu = `${server.url}/api/v1/accounts`;
  let n = 0;
  const data = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: MINUTES * 60,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const l = linked[n++ % linked.length];
          const token = l.tokens.access_token;
          return {
            ...req,
            method: 'GET',
            path: '/api/v1/accounts',
            headers: { authorization: `DPoP ${token}`, dpop: dpopProof(l.signer, 'GET', htu, token) },
          };
        },
      },
    ],
  });
  let stop = false;
  const side = { refreshes: 0, refreshFailures: 0, logins: 0, loginFailures: 0 };
  // Refreshes (new access tokens each time: they pile up in Redis until they expire) and logins.
  const refreshes = (async () => {
    while (!stop) {
      for (const l of linked) {
        const res = await fetch(server.tokenEndpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            dpop: dpopProof(l.signer, 'POST', server.tokenEndpoint),
          },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: l.tokens.refresh_token!,
            client_id: CLIENT_ID,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: clientAssertion(clientSigner, CLIENT_ID, server.url),
          }),
        }).catch(() => undefined);
        if (res?.status === 200) side.refreshes += 1;
        else side.refreshFailures += 1;
        await res?.arrayBuffer();
      }
      await sleep(500);
    }
  })();
  const logins = (async () => {
    while (LOGINS && !stop) {
      const go = browser(`${server.url}/never`);
      const page = await go(`${server.url}/my`);
      const c = DEMO_CUSTOMER;
      const res = await go(`${server.url}/my/login`, {
        csrf: field(page.html, 'csrf'),
        branch: c.branch,
        accountType: c.accountType,
        accountNumber: c.accountNumber,
        pin: c.pin,
      }).catch(() => undefined);
      if (res?.status === 200) side.logins += 1;
      else side.loginFailures += 1;
      await sleep(1000);
    }
  })();

  const samples: { t: number; rssMb: number; keys: number }[] = [];
  const sampler = setInterval(() => {
    void server.redis
      .counters()
      .then((c) =>
        samples.push({ t: (Date.now() - started) / 1000, rssMb: server.proc.rss() / 2 ** 20, keys: c.keys }),
      );
  }, 5000);
  let rss1m = 0;
  const atMinute = setTimeout(() => {
    rss1m = server.proc.rss() / 2 ** 20;
    log(`RSS after 1 minute ${rss1m.toFixed(0)} MB`);
  }, 60_000);
  const result = await data;
  const rssEnd = server.proc.rss() / 2 ** 20;
  stop = true;
  await Promise.all([refreshes, logins]);
  clearInterval(sampler);
  clearTimeout(atMinute);
  log(`load over: ${result.requests.total} data calls (${result.non2xx} non-2xx), ${JSON.stringify(side)}`);

  // End the grants: the partner revokes its refresh tokens (which ends each linkage).
  for (const l of linked) await l.partner.revoke(l.tokens.refresh_token!);
  const keysAtEnd = (await server.redis.counters()).keys;
  log(`grants ended; Redis keys ${keysAtEnd}; waiting up to ${SETTLE_S} s for the replay windows to pass`);
  const endedAt = Date.now();
  let keysAfter = keysAtEnd;
  while (Date.now() - endedAt < SETTLE_S * 1000) {
    await sleep(5000);
    keysAfter = (await server.redis.counters()).keys;
    if (keysAfter <= baselineKeys) break;
  }
  const settledS = (Date.now() - endedAt) / 1000;
  // What is left beyond the baseline, by key family, with the longest remaining time to live.
  const families = new Map<string, { count: number; maxTtl: number }>();
  for (const key of await server.redis.client.keys('*')) {
    const family = key.replace(/[0-9a-zA-Z_-]{16,}.*$/, '…');
    const ttl = await server.redis.client.ttl(key);
    const f = families.get(family) ?? { count: 0, maxTtl: -2 };
    families.set(family, {
      count: f.count + 1,
      maxTtl: ttl === -1 || f.maxTtl === -1 ? -1 : Math.max(f.maxTtl, ttl),
    });
  }
  const rssOk = rss1m > 0 && Math.abs(rssEnd - rss1m) / rss1m <= 0.1;
  const keysOk = keysAfter <= baselineKeys;
  const lines = [
    `npm run bench:soak — ${new Date().toISOString()} — ${MINUTES} min, data calls at c=${CONNECTIONS}, ` +
      'refreshes and logins beside them',
    `  data calls ${result.requests.total} (${(result.requests.total / (MINUTES * 60)).toFixed(0)}/s), ` +
      `non-2xx ${result.non2xx}; refreshes ${side.refreshes} (failed ${side.refreshFailures}); ` +
      `logins ${side.logins} (other answers ${side.loginFailures})`,
    `  ${rssOk ? 'met    ' : 'NOT MET'}  RSS at the end ${rssEnd.toFixed(0)} MB ` +
      `vs ${rss1m.toFixed(0)} MB after 1 minute ` +
      `(${(((rssEnd - rss1m) / rss1m) * 100).toFixed(1)}%, target within 10%)`,
    `  ${keysOk ? 'met    ' : 'NOT MET'}  Redis keys ${keysAfter}, ${settledS.toFixed(0)} s after the grants ended; ` +
      `baseline ${baselineKeys} (at start ${keysAtStart}, at the end of the load ${keysAtEnd})`,
    '  keys left, by family (count, longest TTL in s; -1 = none):',
    ...[...families].sort((a, b) => b[1].count - a[1].count).map(([f, v]) => `    ${f}  ${v.count}  ${v.maxTtl}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeFileSync(
    process.env.BENCH_SOAK_JSON ?? join(ROOT, 'bench', 'last-soak.json'),
    `${JSON.stringify(
      { rss1m, rssEnd, keysAtStart, baselineKeys, keysAtEnd, keysAfter, settledS, samples, side, rssOk, keysOk },
      null,
      2,
    )}\n`,
  );
} finally {
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
