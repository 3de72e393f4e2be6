import { createHash, randomBytes } from 'node:crypto';
import { isRecord } from '../shared/unknown-json.ts';
import type { RecordedAuditEvent } from './audit-log.ts';

/** The `prev` of a chain's first event. */
export const GENESIS = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and no whitespace, so that the same event hashes
 * the same after a round trip through the store (which keeps the text, but a reader may not).
 */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (!isRecord(value)) return JSON.stringify(value) ?? 'null';
  const fields = Object.keys(value)
    .sort()
    .filter((k) => value[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
  return `{${fields.join(',')}}`;
};

/**
 * What JSON.stringify writes for a value, but with object keys sorted at every level: toJSON is
 * honoured, undefined, functions and symbols are dropped from objects and become null in arrays.
 * For any value v, canonicalJson(JSON.parse(canonicalText(v))) === canonicalText(v): the text a
 * writer stores is the text a verifier hashes. Undefined for a value JSON leaves out.
 */
export const canonicalText = (value: unknown, key = ''): string | undefined => {
  if (value !== null && typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    const json: unknown = value.toJSON(key);
    value = json;
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalText(v, String(i)) ?? 'null').join(',')}]`;
  if (!isRecord(value)) return JSON.stringify(value);
  const parts: string[] = [];
  for (const k of Object.keys(value).sort()) {
    const text = canonicalText(value[k], k);
    if (text !== undefined) parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(',')}}`;
};

/** The members a chain adds to an event; an event's own members of these names are not kept. */
const LINK_MEMBERS = new Set(['chain', 'seq', 'prev', 'prevTime']);

/**
 * An event serialised once, before it is linked: its members' canonical texts in key order. Linking
 * splices the chain's members in (./link), so the stored text, its hash and the record store's copy
 * all come from this one serialisation.
 */
export type SerialisedEvent = readonly (readonly [key: string, text: string])[];

export const serialiseEvent = (event: Readonly<Record<string, unknown>>): SerialisedEvent => {
  const out: [string, string][] = [];
  for (const k of Object.keys(event).sort()) {
    if (LINK_MEMBERS.has(k)) continue;
    const text = canonicalText(event[k], k);
    if (text !== undefined) out.push([k, text]);
  }
  return out;
};

/** SHA-256 of the event's canonical JSON, hex. Computed in Node: Redis' Lua offers only SHA-1. */
export const eventHash = (event: RecordedAuditEvent): string =>
  createHash('sha256').update(canonicalJson(event)).digest('hex');

/**
 * A new chain name for one server process run (and after a failed write, whose outcome is
 * unknown): "<instance>/<random>". Chains never interleave, even when two processes are given the
 * same instance name.
 */
export const newChainName = (instance: string): string => `${instance}/${randomBytes(4).toString('hex')}`;

/** The head of one chain as its writer keeps it. */
export interface ChainHead {
  chain: string;
  seq: number;
  hash: string;
  time?: string;
}

export const emptyChain = (chain: string): ChainHead => ({ chain, seq: 0, hash: GENESIS });

/**
 * Links a serialised event onto the chain: answers its stored text (canonical JSON, chain members
 * included), the new head (whose hash is the SHA-256 of that text) and the event as an object.
 */
export const linkSerialised = (
  head: ChainHead,
  event: Omit<RecordedAuditEvent, 'chain' | 'seq' | 'prev' | 'prevTime'>,
  members: SerialisedEvent,
): { text: string; event: RecordedAuditEvent; head: ChainHead } => {
  const seq = head.seq + 1;
  const linkMembers: [string, string][] = [
    ['chain', JSON.stringify(head.chain)],
    ['prev', JSON.stringify(head.hash)],
  ];
  if (head.time) linkMembers.push(['prevTime', JSON.stringify(head.time)]);
  linkMembers.push(['seq', String(seq)]);
  // Merge two key-sorted lists.
  const parts: string[] = [];
  let i = 0;
  let j = 0;
  while (i < members.length || j < linkMembers.length) {
    const takeLink = i >= members.length || (j < linkMembers.length && linkMembers[j][0] < members[i][0]);
    const [k, text] = takeLink ? linkMembers[j++] : members[i++];
    parts.push(`${JSON.stringify(k)}:${text}`);
  }
  const text = `{${parts.join(',')}}`;
  const linked: RecordedAuditEvent = {
    ...event,
    chain: head.chain,
    seq,
    prev: head.hash,
    ...(head.time ? { prevTime: head.time } : {}),
  };
  if (!head.time) delete linked.prevTime;
  const hash = createHash('sha256').update(text).digest('hex');
  return { text, event: linked, head: { chain: head.chain, seq, hash, time: event.time } };
};

/** Links an event onto the chain: sets chain, seq, prev and prevTime, and answers the new head. */
export const link = (
  head: ChainHead,
  event: Omit<RecordedAuditEvent, 'chain' | 'seq' | 'prev' | 'prevTime'>,
): { event: RecordedAuditEvent; head: ChainHead } => {
  const linked: RecordedAuditEvent = {
    ...event,
    chain: head.chain,
    seq: head.seq + 1,
    prev: head.hash,
    ...(head.time ? { prevTime: head.time } : {}),
  };
  return { event: linked, head: { chain: head.chain, seq: linked.seq, hash: eventHash(linked), time: linked.time } };
};

/**
 * Event ids: UUIDs in the layout of version 7 (time first), made strictly increasing within one
 * process, so that events of one instance written in the same millisecond keep their order when
 * read back by (time, id), as the record store pages them.
 */
export const createEventIds = () => {
  let lastMs = 0;
  let counter = 0;
  return (nowMs: number): string => {
    if (nowMs > lastMs) {
      lastMs = nowMs;
      counter = 0;
    } else if (++counter > 0xfff) {
      lastMs += 1;
      counter = 0;
    }
    const rand = randomBytes(8);
    const hex = lastMs.toString(16).padStart(12, '0').slice(-12);
    const tail = ((rand[0] & 0x3f) | 0x80).toString(16).padStart(2, '0') + rand.subarray(1).toString('hex');
    const version = `7${counter.toString(16).padStart(3, '0')}`;
    return `${hex.slice(0, 8)}-${hex.slice(8)}-${version}-${tail.slice(0, 4)}-${tail.slice(4, 16)}`;
  };
};
