import type { Clock } from '../shared/clock.ts';
import { kindOf } from '../store/keys.ts';
import { createOidcStore } from '../store/oidc-adapter.ts';
import type { Store } from '../store/store.ts';
import { createConsentRecords } from './consent-records.ts';
import { createGrantRecords, type GrantRecord } from './grant-records.ts';
import { createLinkageJournal } from './journal.ts';

export type ProblemKind =
  | 'token-without-grant'
  | 'grant-without-consent'
  | 'grant-without-oidc-grant'
  | 'dangling-index-member'
  | 'unfinished-ending'
  | 'unfinished-making'
  | 'key-without-ttl'
  | 'unknown-key';

export interface StoreProblem {
  kind: ProblemKind;
  key: string;
  detail: string;
}

interface EndingStage {
  stage?: string;
  endedAt?: number;
}

/**
 * Scans a store (memory, Redis, Cluster) for what must never be there once the server is quiet:
 * a token whose linkage is gone, a live linkage without its consent evidence or without
 * oidc-provider's Grant, an index member pointing at nothing, a making or an ending that stopped
 * longer ago than the sweeper's period, a key without a TTL that should have one (src/store/keys.ts
 * says which may be permanent), a key no module writes. Reads only; never on a request path.
 */
export const checkStore = async (deps: {
  store: Store;
  clock: Clock;
  /** The sweeper's period: makings and endings older than this should have been finished. */
  sweeperPeriodMs: number;
}): Promise<StoreProblem[]> => {
  const { store, clock } = deps;
  const problems: StoreProblem[] = [];
  const report = (kind: ProblemKind, key: string, detail: string) => problems.push({ kind, key, detail });
  const oidc = createOidcStore(store, { clock });
  const grants = createGrantRecords({ store, clock });
  const consents = createConsentRecords({ store, clock, retentionDays: 1 });
  const journal = createLinkageJournal({ store, clock });
  const now = clock.now();
  const staleBefore = now - deps.sweeperPeriodMs;

  const keys = (await store.keysWithPrefix('')).sort();

  // Keys and their TTLs.
  for (const key of keys) {
    const kind = kindOf(key);
    if (!kind) {
      report('unknown-key', key, 'no module writes a key like this (src/store/keys.ts)');
      continue;
    }
    if (kind.permanent) continue;
    const { type, ttlSeconds } = await store.describeKey(key);
    if (type !== 'none' && ttlSeconds === undefined) report('key-without-ttl', key, `${kind.pattern} must expire`);
  }

  // Endings: tombstones still "ending" long after they began.
  const endings = new Map<string, EndingStage>();
  for (const key of keys.filter((k) => k.startsWith('grant-ended:{'))) {
    const raw = await store.get(key);
    const tombstone: EndingStage = raw ? JSON.parse(raw) : {};
    const grantId = key.slice('grant-ended:{'.length, -1);
    endings.set(grantId, tombstone);
    if (tombstone.stage === 'ending' && (tombstone.endedAt ?? 0) <= staleBefore)
      report('unfinished-ending', key, `begun ${new Date(tombstone.endedAt ?? 0).toISOString()}, not finished`);
  }
  const endingUnderWay = (grantId: string) => endings.get(grantId)?.stage === 'ending';
  for (const { entry, beganAt } of await journal.olderThan(staleBefore)) {
    const since = new Date(beganAt).toISOString();
    if (entry.op === 'end') report('unfinished-ending', journal.key, `ending of ${entry.grantId} since ${since}`);
    else report('unfinished-making', journal.key, `making of ${entry.grantId} since ${since}`);
  }

  // Live linkages: each with its consent evidence and its Grant.
  const records = new Map<string, GrantRecord>();
  for (const key of keys.filter((k) => k.startsWith('grant:{'))) {
    const grantId = key.slice('grant:{'.length, -1);
    const record = await grants.find(grantId);
    if (!record) continue;
    records.set(grantId, record);
    if (!(await consents.exists(grantId, record.consentId)))
      report('grant-without-consent', key, `consent evidence ${record.consentId} is missing`);
    if (!(await oidc.grantExists(grantId))) report('grant-without-oidc-grant', key, "oidc-provider's Grant is missing");
  }

  // Tokens: each bound to a live linkage (or to one whose ending is still under way).
  for (const token of await oidc.grantBoundRecords()) {
    if (token.model === 'Grant' || records.has(token.grantId) || endingUnderWay(token.grantId)) continue;
    // Never the token's id: for opaque tokens it is the token itself.
    report('token-without-grant', `oidc ${token.model}`, `grant ${token.grantId} is not live`);
  }

  // Indexes: members not yet expired point at something.
  for (const { index, member } of await oidc.danglingIndexMembers())
    report('dangling-index-member', index, `${member} is gone`);
  const nowSeconds = Math.floor(now / 1000);
  for (const key of keys.filter((k) => /^idx:grants-by-(customer|partner):/.test(k))) {
    for (const { member } of await store.sortedSetRange(key, { min: nowSeconds })) {
      if (!records.has(member) && !endingUnderWay(member))
        report('dangling-index-member', key, `grant ${member} is not live`);
    }
  }
  return problems;
};

/** The report `npm run store:check` prints: one line per problem, then a summary. */
export const formatStoreProblems = (problems: StoreProblem[]): string => {
  const lines = problems.map((p) => `${p.kind}\t${p.key}\t${p.detail}`);
  lines.push(problems.length === 0 ? 'store:check: no inconsistency found' : `store:check: ${problems.length} found`);
  return `${lines.join('\n')}\n`;
};
