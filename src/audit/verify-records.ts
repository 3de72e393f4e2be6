import type { SigningKeys } from '../config/schema.ts';
import type { RecordStore, StoredAuditEvent } from '../records/record-store.ts';
import type { RecordedAuditEvent } from './audit-log.ts';
import { createCheckpointSigner, createCheckpointVerifier, type Checkpoint } from './checkpoints.ts';
import { eventHash, GENESIS } from './hash-chain.ts';
import {
  verifyChain,
  type ChainSummary,
  type Item,
  type SignedCheckpoint,
  type TrailProblem,
  type TrailReport,
} from './verify-trail.ts';

const DAY_MS = 86_400_000;

/** Whether a row's search columns still say what its (hashed) body says. */
const columnsDisagree = (stored: StoredAuditEvent): string | undefined => {
  const c = stored.columns;
  if (!c) return undefined;
  const e = stored.event;
  const grantId = typeof e.details?.grantId === 'string' ? e.details.grantId : null;
  const pairs: [string, unknown, unknown][] = [
    ['time', Date.parse(c.time), Date.parse(e.time)],
    ['id', c.id, e.id],
    ['kind', c.kind, e.kind],
    ['result', c.result, e.result],
    ['customer', c.customerId, e.customerId ?? null],
    ['partner', c.partnerId, e.partnerId ?? null],
    ['grant', c.grantId, grantId],
  ];
  const wrong = pairs.filter(([, a, b]) => a !== b).map(([name]) => name);
  return wrong.length ? wrong.join(', ') : undefined;
};

/**
 * Verifies the audit trail kept in the record store (PostgreSQL): every chain's links, its end
 * against the signed checkpoints, and its beginning: a chain whose oldest months were dropped by
 * retention must start right after a signed retention checkpoint (written before the drop, see
 * applyAuditRetention), otherwise its first events were deleted. Names the first event altered,
 * deleted or missing of each chain. Reads the chains in order, one chain in memory at a time.
 */
export const verifyRecordedTrail = async (deps: {
  records: RecordStore;
  signingKeys: SigningKeys;
  /** Checkpoint keys retired from the signing keys (public only): old checkpoints still verify. */
  retiredCheckpointKeys?: { keys: readonly object[] };
}): Promise<TrailReport> => {
  const problems: TrailProblem[] = [];
  const notes: string[] = [];
  const verify = createCheckpointVerifier({
    keys: [...deps.signingKeys.keys, ...(deps.retiredCheckpointKeys?.keys ?? [])],
  });
  const byChain = new Map<string, SignedCheckpoint[]>();
  let checkpoints = 0;
  for await (const stored of deps.records.checkpoints()) {
    checkpoints += 1;
    const result = await verify(stored.jws);
    if ('error' in result) {
      problems.push({
        kind: 'bad_checkpoint',
        message: `checkpoint ${stored.id} rejected (altered, or signed by an unknown key): ${result.error}`,
      });
      continue;
    }
    const list = byChain.get(result.checkpoint.chain) ?? [];
    list.push({ id: stored.id, checkpoint: result.checkpoint });
    byChain.set(result.checkpoint.chain, list);
  }
  const horizon = await deps.records.retentionHorizon();
  const summaries: ChainSummary[] = [];
  let events = 0;

  const finish = (chain: string, items: Item[]) => {
    const signed = byChain.get(chain) ?? [];
    byChain.delete(chain);
    const present = [...items].sort((a, b) => a.event.seq - b.event.seq);
    const first = present[0];
    const named = first ? `${first.event.kind} at ${first.event.time}, id ${first.event.id}` : '';
    const startProblems: TrailProblem[] = [];
    if (first && first.event.seq > 1) {
      // Retention may have dropped the events before `first` only when its predecessor lived in a
      // dropped month, and then a signed checkpoint must fix that predecessor.
      const prevTime = first.event.prevTime ? Date.parse(first.event.prevTime) : Number.NaN;
      const anchor = signed.find((c) => c.checkpoint.seq === first.event.seq - 1);
      if (prevTime < horizon && anchor) {
        if (anchor.checkpoint.head === first.event.prev)
          notes.push(
            `chain ${chain}: events up to ${anchor.checkpoint.seq} were removed by retention; ` +
              `verified from checkpoint ${anchor.id}`,
          );
        else
          startProblems.push({
            kind: 'altered',
            chain,
            seq: first.event.seq,
            message: `event ${first.event.seq} (${named}) altered: it does not follow checkpoint ${anchor.id}`,
          });
      } else {
        // Deleted from just after the last event retention removed (its checkpoint), or from the start.
        const dropped = signed
          .filter(
            (c) =>
              c.checkpoint.seq < first.event.seq && Date.parse(c.checkpoint.headTime ?? c.checkpoint.time) < horizon,
          )
          .sort((a, b) => b.checkpoint.seq - a.checkpoint.seq)[0];
        const from = (dropped?.checkpoint.seq ?? 0) + 1;
        const to = first.event.seq - 1;
        startProblems.push({
          kind: 'deleted',
          chain,
          seq: from,
          message:
            `${from === to ? `event ${from}` : `events ${from}–${to}`} deleted: ` +
            `the chain goes on at event ${first.event.seq} (${named})` +
            (dropped ? ` after the retention checkpoint ${dropped.id} at event ${dropped.checkpoint.seq}` : ''),
        });
      }
    } else if (first && first.event.prev !== GENESIS) {
      startProblems.push({
        kind: 'altered',
        chain,
        seq: 1,
        message: `event 1 (${named}) altered: a first event must follow no other`,
      });
    }
    const result = verifyChain(chain, items, signed, horizon, notes, true);
    const all = [...startProblems, ...result.problems].sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0));
    problems.push(...all);
    summaries.push(result.summary);
  };

  let current: string | undefined;
  let items: Item[] = [];
  for await (const stored of deps.records.chainOrder()) {
    events += 1;
    if (!stored.readable) {
      problems.push({
        kind: 'altered',
        chain: stored.event.chain,
        seq: stored.event.seq,
        message:
          `event ${stored.event.seq} (id ${stored.event.id}) altered: ` +
          'its stored text is not a readable audit event',
      });
      continue;
    }
    const disagree = columnsDisagree(stored);
    if (disagree)
      problems.push({
        kind: 'altered',
        chain: stored.event.chain,
        seq: stored.event.seq,
        message:
          `event ${stored.event.seq} (id ${stored.event.id}) altered: ` +
          `its search columns (${disagree}) no longer say what the event says`,
      });
    if (stored.event.chain !== current) {
      if (current !== undefined) finish(current, items);
      current = stored.event.chain;
      items = [];
    }
    items.push({ id: stored.event.id, event: stored.event, hash: eventHash(stored.event) });
  }
  if (current !== undefined) finish(current, items);
  // Chains known only from their checkpoints: every event gone.
  for (const chain of [...byChain.keys()].sort()) finish(chain, []);
  summaries.sort((a, b) => a.chain.localeCompare(b.chain));
  return { ok: problems.length === 0, events, checkpoints, chains: summaries, problems, notes };
};

/**
 * Retention of the audit trail in the record store: before the oldest months are dropped, each
 * chain that reaches into them gets a signed checkpoint of its last event there, so that what
 * remains verifies from it. Then whole partitions go (older than `retentionDays`, rounded down to
 * a month). Needs the owner role on PostgreSQL. Answers the cut-off applied.
 */
export const applyAuditRetention = async (deps: {
  records: RecordStore;
  signingKeys: SigningKeys;
  checkpointKeyId?: string | null;
  retentionDays: number;
  now: number;
}): Promise<{ cutBefore: number; checkpoints: number }> => {
  const signer = createCheckpointSigner(deps.signingKeys, deps.checkpointKeyId);
  const wanted = deps.now - deps.retentionDays * DAY_MS;
  const monthStart = (ms: number) => {
    const d = new Date(ms);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  };
  const cut = monthStart(wanted);
  const lasts = await deps.records.lastEventsBefore(cut);
  const time = new Date(deps.now).toISOString();
  const signed = await Promise.all(
    lasts.map(async ({ event }: { event: RecordedAuditEvent }) => {
      const checkpoint: Checkpoint = {
        chain: event.chain,
        instance: event.instance,
        seq: event.seq,
        head: eventHash(event),
        headTime: event.time,
        time,
      };
      return {
        id: `retention:${event.chain}:${event.seq}`,
        time,
        chain: event.chain,
        seq: event.seq,
        jws: await signer.sign(checkpoint),
      };
    }),
  );
  await deps.records.appendCheckpoints(signed);
  const applied = await deps.records.dropAuditBefore(cut);
  return { cutBefore: applied, checkpoints: signed.length };
};
