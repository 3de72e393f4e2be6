import { parseRecordedAuditEvent, type RecordedAuditEvent } from '../shared/audit-event.ts';
import {
  buildHistory,
  grantIdOfEvent,
  kindPrefix,
  sourceAddressOf,
  type AuditCursor,
  type AuditSearch,
  type ConsentEvidence,
  type LinkageEvent,
  type RecordStore,
  type StoredAuditEvent,
  type StoredCheckpoint,
} from './record-store.ts';

type Row = StoredAuditEvent & { ms: number };

const compare = (a: { time: string; id: string }, b: { time: string; id: string }) =>
  a.time < b.time ? -1 : a.time > b.time ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The start of the month (UTC) of `ms`: retention works in whole months, as partitions do. */
export const monthStart = (ms: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
};

export const matches = (filter: AuditSearch, event: RecordedAuditEvent, customerGrants?: Set<string>): boolean => {
  const ms = Date.parse(event.time);
  if (filter.from !== undefined && ms < filter.from) return false;
  if (filter.to !== undefined && ms >= filter.to) return false;
  if (filter.customerId !== undefined && event.customerId !== filter.customerId) {
    const grantId = grantIdOfEvent(event);
    if (!grantId || !customerGrants?.has(grantId)) return false;
  }
  if (filter.partnerId !== undefined && event.partnerId !== filter.partnerId) return false;
  if (filter.grantId !== undefined && grantIdOfEvent(event) !== filter.grantId) return false;
  if (filter.result !== undefined && event.result !== filter.result) return false;
  if (filter.sourceAddress !== undefined && sourceAddressOf(event) !== filter.sourceAddress) return false;
  if (filter.requestId !== undefined && event.requestId !== filter.requestId) return false;
  if (filter.kind !== undefined) {
    const k = kindPrefix(filter.kind);
    if ('exact' in k ? event.kind !== k.exact : !event.kind.startsWith(k.prefix)) return false;
  }
  return true;
};

/**
 * The embedded record store: everything in this process's memory, for a trial with nothing else
 * running. Bounded: beyond `maxAuditEvents` the oldest events go (a trial is not a system of
 * record; PostgreSQL is). Lost when the process ends.
 */
export const createMemoryRecordStore = (options: { maxAuditEvents?: number } = {}): RecordStore => {
  const max = options.maxAuditEvents ?? 200_000;
  const rows: Row[] = [];
  const ids = new Set<string>();
  const checkpoints: StoredCheckpoint[] = [];
  const checkpointIds = new Set<string>();
  const consents: ConsentEvidence[] = [];
  const linkageEvents: LinkageEvent[] = [];
  let horizon = 0;

  const insertSorted = (row: Row) => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(rows[mid].event, row.event) <= 0) lo = mid + 1;
      else hi = mid;
    }
    rows.splice(lo, 0, row);
  };

  /** Index of the first row after the cursor (ascending order). */
  const indexAfter = (cursor: AuditCursor) => {
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(rows[mid].event, cursor) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    kind: 'memory',
    durable: false,
    async appendAuditEvents(events, bodies) {
      for (const [i, event] of events.entries()) {
        const key = `${event.time}|${event.id}`;
        if (ids.has(key)) continue;
        ids.add(key);
        const body = bodies?.[i] ?? JSON.stringify(event);
        insertSorted({ event: parseRecordedAuditEvent(body), body, ms: Date.parse(event.time) });
      }
      while (rows.length > max) {
        const gone = rows.shift()!;
        ids.delete(`${gone.event.time}|${gone.event.id}`);
      }
    },
    async appendCheckpoints(list) {
      for (const c of list) {
        if (checkpointIds.has(c.id)) continue;
        checkpointIds.add(c.id);
        checkpoints.push({ ...c });
      }
    },
    async searchAudit(filter, page) {
      const customerGrants = new Set<string>();
      if (filter.customerId !== undefined)
        for (const r of rows) {
          const grantId = grantIdOfEvent(r.event);
          if (grantId && r.event.customerId === filter.customerId) customerGrants.add(grantId);
        }
      const desc = (page.order ?? 'desc') === 'desc';
      const out: RecordedAuditEvent[] = [];
      if (desc) {
        let i = page.after ? indexAfter(page.after) - 1 : rows.length - 1;
        if (page.after && i >= 0 && compare(rows[i].event, page.after) === 0) i -= 1;
        for (; i >= 0 && out.length < page.limit + 1; i -= 1)
          if (matches(filter, rows[i].event, customerGrants)) out.push(parseRecordedAuditEvent(rows[i].body));
      } else {
        for (let i = page.after ? indexAfter(page.after) : 0; i < rows.length && out.length < page.limit + 1; i += 1)
          if (matches(filter, rows[i].event, customerGrants)) out.push(parseRecordedAuditEvent(rows[i].body));
      }
      const more = out.length > page.limit;
      const events = out.slice(0, page.limit);
      const last = events[events.length - 1];
      return { events, ...(more && last ? { next: { time: last.time, id: last.id } } : {}) };
    },
    async *streamAudit(filter) {
      let after: AuditCursor | undefined;
      for (;;) {
        const page = await this.searchAudit(filter, { after, limit: 500, order: 'asc' });
        yield* page.events;
        if (!page.next) return;
        after = page.next;
      }
    },
    async *chainOrder() {
      const sorted = [...rows].sort((a, b) =>
        a.event.chain < b.event.chain ? -1 : a.event.chain > b.event.chain ? 1 : a.event.seq - b.event.seq,
      );
      for (const r of sorted) yield { event: parseRecordedAuditEvent(r.body), body: r.body, readable: true };
    },
    async *checkpoints() {
      yield* [...checkpoints].sort((a, b) => a.time.localeCompare(b.time));
    },
    async lastEventsBefore(beforeMs) {
      const last = new Map<string, Row>();
      for (const r of rows) {
        if (r.ms >= beforeMs) continue;
        const seen = last.get(r.event.chain);
        if (!seen || seen.event.seq < r.event.seq) last.set(r.event.chain, r);
      }
      return [...last.values()].map((r) => ({ event: parseRecordedAuditEvent(r.body), body: r.body }));
    },
    async dropAuditBefore(beforeMs) {
      const cut = monthStart(beforeMs);
      while (rows.length > 0 && rows[0].ms < cut) {
        const gone = rows.shift()!;
        ids.delete(`${gone.event.time}|${gone.event.id}`);
      }
      horizon = Math.max(horizon, cut);
      return cut;
    },
    async retentionHorizon() {
      return horizon;
    },
    async appendConsentEvidence(evidence) {
      if (!consents.some((c) => c.consentId === evidence.consentId)) consents.push(structuredClone(evidence));
    },
    async appendLinkageEvents(events) {
      for (const event of events)
        if (!event.id || !linkageEvents.some((e) => e.id === event.id)) linkageEvents.push(structuredClone(event));
    },
    async customersOfGrants(grantIds) {
      const wanted = new Set(grantIds);
      return new Map(consents.filter((c) => wanted.has(c.grantId)).map((c) => [c.grantId, c.customerId]));
    },
    async linkageHistory(customerId) {
      return buildHistory(
        consents.filter((c) => c.customerId === customerId).map((x) => structuredClone(x)),
        linkageEvents.filter((e) => e.customerId === customerId).map((x) => structuredClone(x)),
      );
    },
    async dropLinkageRecordsBefore(beforeMs) {
      const keep = <T>(list: T[], time: (x: T) => string) => {
        const kept = list.filter((x) => Date.parse(time(x)) >= beforeMs);
        list.splice(0, list.length, ...kept);
      };
      keep(consents, (c) => c.consentedAt);
      keep(linkageEvents, (e) => e.time);
    },
    async ping() {},
    async close() {},
  };
};
