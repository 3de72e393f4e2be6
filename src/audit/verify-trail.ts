import type { SigningKeys } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import type { RecordedAuditEvent } from './audit-log.ts';
import { createCheckpointVerifier, type Checkpoint } from './checkpoints.ts';
import { eventHash, GENESIS } from './hash-chain.ts';
import { CHECKPOINTS_STREAM, decodeEvent, readEntries, readEventEntries } from './trail-stream.ts';

export type TrailProblemKind = 'altered' | 'deleted' | 'missing_at_end' | 'bad_checkpoint';

export interface TrailProblem {
  kind: TrailProblemKind;
  chain?: string;
  /** The first event concerned. */
  seq?: number;
  message: string;
}

export interface ChainSummary {
  chain: string;
  instance?: string;
  events: number;
  firstSeq?: number;
  lastSeq?: number;
  /** The longest length a valid checkpoint fixed (0: none yet). */
  checkpointedSeq: number;
}

export interface TrailReport {
  ok: boolean;
  events: number;
  checkpoints: number;
  chains: ChainSummary[];
  /** In chain order, and by seq within a chain: the first one names the first event concerned. */
  problems: TrailProblem[];
  notes: string[];
}

export type Item = { id: string; event: RecordedAuditEvent; hash: string };
export type SignedCheckpoint = { id: string; checkpoint: Checkpoint };

const DAY_MS = 86_400_000;

const describe = (item: Item) => `${item.event.kind} at ${item.event.time}, stream id ${item.id}`;
const range = (from: number, to: number) => (from === to ? `event ${from}` : `events ${from}–${to}`);

/** Checks one chain's links, its beginning and its end against the checkpoints. */
export const verifyChain = (
  chain: string,
  items: Item[],
  checkpoints: SignedCheckpoint[],
  cutoffMs: number,
  notes: string[],
  /** The caller has judged the chain's beginning itself (a record store, from a retention checkpoint). */
  startJudged = false,
): { problems: TrailProblem[]; summary: ChainSummary } => {
  const problems: TrailProblem[] = [];
  const bySeq = new Map<number, Item>();
  for (const item of items) {
    const earlier = bySeq.get(item.event.seq);
    if (earlier) {
      problems.push({
        kind: 'altered',
        chain,
        seq: item.event.seq,
        message:
          `event ${item.event.seq} appears twice (stream ids ${earlier.id} and ${item.id}): one was added or ` +
          `copied`,
      });
    } else {
      bySeq.set(item.event.seq, item);
    }
  }
  const present = [...bySeq.values()].sort((a, b) => a.event.seq - b.event.seq);
  const first = present[0];
  const last = present[present.length - 1];
  const checkpointedSeq = Math.max(0, ...checkpoints.map((c) => c.checkpoint.seq));

  if (startJudged) {
    // nothing: see the caller
  } else if (first && first.event.seq > 1) {
    // Retention trims the oldest events; anything younger than the retention was deleted.
    const prevTime = first.event.prevTime ? Date.parse(first.event.prevTime) : Number.NaN;
    if (prevTime < cutoffMs)
      notes.push(`chain ${chain}: events before ${first.event.seq} are past the retention period and were trimmed`);
    else
      problems.push({
        kind: 'deleted',
        chain,
        seq: 1,
        message:
          `${range(1, first.event.seq - 1)} deleted: the chain starts at event ${first.event.seq} ` +
          `(${describe(first)})`,
      });
  } else if (first && first.event.prev !== GENESIS) {
    problems.push({
      kind: 'altered',
      chain,
      seq: 1,
      message: `event 1 (${describe(first)}) altered: a first event must follow no other`,
    });
  }

  const altered = new Set<number>();
  for (let i = 1; i < present.length; i += 1) {
    const a = present[i - 1];
    const b = present[i];
    if (b.event.seq > a.event.seq + 1) {
      problems.push({
        kind: 'deleted',
        chain,
        seq: a.event.seq + 1,
        message:
          `${range(a.event.seq + 1, b.event.seq - 1)} deleted: between event ${a.event.seq} (${describe(a)}) ` +
          `and event ${b.event.seq} (${describe(b)})`,
      });
    } else if (b.event.prev !== a.hash) {
      altered.add(a.event.seq);
      problems.push({
        kind: 'altered',
        chain,
        seq: a.event.seq,
        message:
          `event ${a.event.seq} (${describe(a)}) altered: its hash no longer matches the one event ` +
          `${b.event.seq} recorded`,
      });
    }
  }

  let reportedEnd = false;
  for (const { id, checkpoint } of [...checkpoints].sort((x, y) => y.checkpoint.seq - x.checkpoint.seq)) {
    const item = bySeq.get(checkpoint.seq);
    if (item) {
      if (item.hash !== checkpoint.head && !altered.has(checkpoint.seq)) {
        altered.add(checkpoint.seq);
        problems.push({
          kind: 'altered',
          chain,
          seq: checkpoint.seq,
          message:
            `event ${checkpoint.seq} (${describe(item)}) altered: it does not match checkpoint ${id} of ` +
            `${checkpoint.time}`,
        });
      }
    } else if (!reportedEnd && checkpoint.seq > (last?.event.seq ?? 0)) {
      reportedEnd = true;
      const headTime = checkpoint.headTime ? Date.parse(checkpoint.headTime) : Date.parse(checkpoint.time);
      if (!last && headTime < cutoffMs) {
        notes.push(`chain ${chain}: all its events are past the retention period`);
      } else {
        const from = (last?.event.seq ?? 0) + 1;
        problems.push({
          kind: 'missing_at_end',
          chain,
          seq: from,
          message:
            `${range(from, checkpoint.seq)} missing from the end: checkpoint ${id} of ${checkpoint.time} ` +
            `fixed the chain at ${checkpoint.seq} events, ` +
            (last ? `the newest present is event ${last.event.seq} (${describe(last)})` : 'none is present'),
        });
      }
    }
  }
  if (last && last.event.seq > checkpointedSeq) {
    notes.push(
      `chain ${chain}: ${range(checkpointedSeq + 1, last.event.seq)} came after the last checkpoint; removal of ` +
        `those from the end cannot be detected yet`,
    );
  }

  problems.sort((x, y) => (x.seq ?? 0) - (y.seq ?? 0));
  return {
    problems,
    summary: {
      chain,
      instance: first?.event.instance,
      events: present.length,
      firstSeq: first?.event.seq,
      lastSeq: last?.event.seq,
      checkpointedSeq,
    },
  };
};

/**
 * Reads the whole trail and checks every chain: each event's hash against the `prev` of the next,
 * seq without gaps, and the newest events against the signed checkpoints. Names the first event
 * altered, deleted, or missing from the end of each chain. What it cannot see: events written
 * after a chain's last checkpoint and then removed together with nothing else (checkpoints bound
 * that window), and a chain removed whole together with all its checkpoints.
 */
export const verifyAuditTrail = async (deps: {
  store: Store;
  signingKeys: SigningKeys;
  /** Checkpoint keys retired from the signing keys (public only): old checkpoints still verify. */
  retiredCheckpointKeys?: { keys: readonly object[] };
  retentionDays: number;
  now: number;
}): Promise<TrailReport> => {
  const cutoffMs = deps.now - deps.retentionDays * DAY_MS;
  const problems: TrailProblem[] = [];
  const notes: string[] = [];
  const chains = new Map<string, { items: Item[]; checkpoints: SignedCheckpoint[] }>();
  const chainOf = (name: string) => {
    let c = chains.get(name);
    if (!c) chains.set(name, (c = { items: [], checkpoints: [] }));
    return c;
  };

  let events = 0;
  for await (const entry of readEventEntries(deps.store)) {
    events += 1;
    const event = decodeEvent(entry);
    if (!event) {
      problems.push({ kind: 'altered', message: `stream entry ${entry.id} altered: it is not a readable audit event` });
      continue;
    }
    chainOf(event.chain).items.push({ id: entry.id, event, hash: eventHash(event) });
  }

  const verify = createCheckpointVerifier({
    keys: [...deps.signingKeys.keys, ...(deps.retiredCheckpointKeys?.keys ?? [])],
  });
  let checkpoints = 0;
  for await (const entry of readEntries(deps.store, CHECKPOINTS_STREAM)) {
    checkpoints += 1;
    const result = await verify(entry.value);
    if ('error' in result)
      problems.push({
        kind: 'bad_checkpoint',
        message: `checkpoint ${entry.id} rejected (altered, or signed by an unknown key): ${result.error}`,
      });
    else chainOf(result.checkpoint.chain).checkpoints.push({ id: entry.id, checkpoint: result.checkpoint });
  }

  const summaries: ChainSummary[] = [];
  for (const name of [...chains.keys()].sort()) {
    const { items, checkpoints: signed } = chains.get(name)!;
    const result = verifyChain(name, items, signed, cutoffMs, notes);
    problems.push(...result.problems);
    summaries.push(result.summary);
  }
  return { ok: problems.length === 0, events, checkpoints, chains: summaries, problems, notes };
};

/** The report as the CLI prints it. */
export const formatTrailReport = (report: TrailReport): string => {
  const lines = [
    `audit trail: ${report.events} events in ${report.chains.length} chains, ${report.checkpoints} checkpoints`,
    ...report.chains.map(
      (c) =>
        `  chain ${c.chain}${c.instance ? ` (instance ${c.instance})` : ''}: ${c.events} events` +
        (c.firstSeq !== undefined ? ` (${c.firstSeq}–${c.lastSeq})` : '') +
        `, checkpointed to ${c.checkpointedSeq}`,
    ),
  ];
  if (report.ok) {
    lines.push('OK: every chain is intact and matches its checkpoints.');
  } else {
    lines.push(`FAILED: ${report.problems.length} problem(s)`);
    for (const p of report.problems) lines.push(`  ${p.chain ? `chain ${p.chain}: ` : ''}${p.message}`);
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
};
