import type { RecordedAuditEvent } from '../../src/audit/audit-log.ts';
import {
  createMemoryRecordStore,
  createPostgresRecordStore,
  type AuditCursor,
  type RecordStore,
} from '../../src/records/index.ts';
import { freshRecordDatabase, type RecordDatabase } from '../support/records.ts';

// The same behaviour from the embedded record store and from PostgreSQL.
const BASE = Date.UTC(2026, 0, 15, 12);
const MIN = 60_000;
const DAY = 86_400_000;

let n = 0;
const event = (over: Partial<RecordedAuditEvent> & { at: number }): RecordedAuditEvent => {
  n += 1;
  const { at, ...rest } = over;
  return {
    kind: 'data.access',
    result: 'success',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    time: new Date(at).toISOString(),
    instance: 'i1',
    chain: 'i1/aaaa',
    seq: n,
    prev: '0'.repeat(64),
    ...rest,
  };
};

type Subject = { name: string; make(): Promise<{ records: RecordStore; done(): Promise<void> }> };

const subjects: Subject[] = [
  {
    name: 'memory',
    make: async () => ({ records: createMemoryRecordStore(), done: async () => undefined }),
  },
  {
    name: 'postgres',
    make: async () => {
      const db: RecordDatabase = await freshRecordDatabase({ partitionsFromMs: BASE - 30 * DAY });
      const records = createPostgresRecordStore({ url: db.url, ownerUrl: db.ownerUrl });
      return {
        records,
        done: async () => {
          await records.close();
          await db.drop();
        },
      };
    },
  },
];

describe.each(subjects)('record store contract: $name', (subject) => {
  let records: RecordStore;
  let done: () => Promise<void>;
  const all: RecordedAuditEvent[] = [];

  beforeAll(async () => {
    ({ records, done } = await subject.make());
    n = 0;
    // 260 data calls of c1 via partner p1 over two months, and a few others of interest.
    for (let i = 0; i < 260; i += 1)
      all.push(
        event({
          at: BASE + i * 5 * 60 * MIN,
          customerId: 'c1',
          partnerId: 'p1',
          details: { grantId: 'g1', ip: '10.0.0.1' },
        }),
      );
    all.push(
      event({
        at: BASE + 3 * MIN,
        kind: 'identity_check.failure',
        result: 'failure',
        customerId: 'c2',
        requestId: 'req-attack-1',
        details: { ip: '192.0.2.7' },
      }),
    );
    all.push(
      event({
        at: BASE + 4 * MIN,
        kind: 'identity_check.locked',
        result: 'denied',
        customerId: 'c2',
        requestId: 'req-attack-1',
        details: { ip: '192.0.2.7' },
      }),
    );
    all.push(event({ at: BASE + 5 * MIN, kind: 'admin.login', result: 'success', actor: 'staff1' }));
    all.push(event({ at: BASE + 6 * MIN, customerId: 'c3', partnerId: 'p2', details: { grantId: 'g3' } }));
    // Token issuance names the grant only: it belongs to c3 through the event above.
    all.push(event({ at: BASE + 7 * MIN, kind: 'token.issued', partnerId: 'p2', details: { grantId: 'g3' } }));
    // Written out of order, in two calls: the store keeps (time, id) order all the same.
    await records.appendAuditEvents(all.slice(130).reverse());
    await records.appendAuditEvents(all.slice(0, 130));
  });
  afterAll(async () => done());

  const pageAll = async (filter: Parameters<RecordStore['searchAudit']>[0], order: 'asc' | 'desc', limit: number) => {
    const out: RecordedAuditEvent[] = [];
    let after: AuditCursor | undefined;
    let pages = 0;
    for (;;) {
      const page = await records.searchAudit(filter, { after, limit, order });
      out.push(...page.events);
      pages += 1;
      if (!page.next) return { out, pages };
      after = page.next;
    }
  };

  it('keeps each event once: appending the same events again changes nothing', async () => {
    await records.appendAuditEvents(all.slice(0, 10));
    const { out } = await pageAll({}, 'asc', 1000);
    expect(out).toHaveLength(all.length);
    expect(new Set(out.map((e) => e.id)).size).toBe(all.length);
  });

  it('gives back the event exactly as written', async () => {
    const { events } = await records.searchAudit({ customerId: 'c3', kind: 'data.access' }, { limit: 10 });
    expect(events).toEqual([all[all.length - 2]]);
  });

  it('filters by customer, partner, grant, kind (exact and family), result, source address, request id and time', async () => {
    const ids = async (filter: Parameters<RecordStore['searchAudit']>[0]) =>
      (await pageAll(filter, 'asc', 1000)).out.map((e) => e.id).sort();
    const expected = (pred: (e: RecordedAuditEvent) => boolean) =>
      all
        .filter(pred)
        .map((e) => e.id)
        .sort();
    expect(await ids({ customerId: 'c2' })).toEqual(expected((e) => e.customerId === 'c2'));
    expect(await ids({ customerId: 'c3' })).toEqual(expected((e) => e.details?.grantId === 'g3'));
    expect(await ids({ customerId: 'c3' })).toHaveLength(2);
    expect(await ids({ partnerId: 'p2' })).toEqual(expected((e) => e.partnerId === 'p2'));
    expect(await ids({ grantId: 'g1' })).toHaveLength(260);
    expect(await ids({ kind: 'identity_check.' })).toEqual(expected((e) => e.kind.startsWith('identity_check.')));
    expect(await ids({ kind: 'identity_check.*' })).toHaveLength(2);
    expect(await ids({ kind: 'identity_check.locked' })).toHaveLength(1);
    expect(await ids({ kind: 'identity' })).toHaveLength(0);
    expect(await ids({ result: 'denied' })).toEqual(expected((e) => e.result === 'denied'));
    expect(await ids({ sourceAddress: '192.0.2.7' })).toHaveLength(2);
    expect(await ids({ requestId: 'req-attack-1' })).toEqual(expected((e) => e.requestId === 'req-attack-1'));
    expect(await ids({ requestId: 'req-attack-1' })).toHaveLength(2);
    expect(await ids({ requestId: 'req-none' })).toHaveLength(0);
    const from = BASE + 10 * 5 * 60 * MIN;
    const to = BASE + 20 * 5 * 60 * MIN;
    expect(await ids({ from, to })).toEqual(expected((e) => Date.parse(e.time) >= from && Date.parse(e.time) < to));
    expect(await ids({ customerId: 'c2', kind: 'identity_check.locked', result: 'denied' })).toHaveLength(1);
  });

  it('pages by keyset past 200 rows, newest first by default, without repeating or skipping an event', async () => {
    const desc = await pageAll({ customerId: 'c1' }, 'desc', 50);
    expect(desc.pages).toBe(6);
    expect(desc.out).toHaveLength(260);
    expect(new Set(desc.out.map((e) => e.id)).size).toBe(260);
    const times = desc.out.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    const asc = await pageAll({ customerId: 'c1' }, 'asc', 77);
    expect(asc.out.map((e) => e.id)).toEqual([...desc.out].reverse().map((e) => e.id));
    const single = await records.searchAudit({ customerId: 'c2', result: 'denied' }, { limit: 1 });
    expect(single.next).toBeUndefined();
  });

  it('streams every matching event oldest first', async () => {
    const streamed: RecordedAuditEvent[] = [];
    for await (const e of records.streamAudit({ partnerId: 'p1' })) streamed.push(e);
    expect(streamed).toHaveLength(260);
    expect(streamed.map((e) => e.time)).toEqual([...streamed.map((e) => e.time)].sort());
  });

  it('reads the chains in seq order with the stored text', async () => {
    const seqs: number[] = [];
    for await (const { event: e, body } of records.chainOrder()) {
      expect(JSON.parse(body)).toEqual(e);
      seqs.push(e.seq);
    }
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs).toHaveLength(all.length);
  });

  it('keeps checkpoints once each', async () => {
    const cp = { id: 'cp-1', time: new Date(BASE).toISOString(), chain: 'i1/aaaa', seq: 5, jws: 'a.b.c' };
    await records.appendCheckpoints([cp]);
    await records.appendCheckpoints([cp]);
    const got = [];
    for await (const c of records.checkpoints()) got.push(c);
    expect(got).toEqual([cp]);
  });

  it('keeps consent evidence and every lifecycle event of a linkage, readable with its ending', async () => {
    await records.appendConsentEvidence({
      consentId: 'k1',
      grantId: 'g1',
      customerId: 'c1',
      partnerId: 'p1',
      partnerName: 'かけいぼ',
      scopes: ['accounts'],
      accounts: [{ accountId: 'a1', accountType: 'ordinary', branchCode: '001', maskedNumber: '****567' }],
      termsVersion: '2026-01',
      termsSha256: 'f'.repeat(64),
      expiresShown: new Date(BASE + 365 * DAY).toISOString(),
      identifiedBy: 'pin+totp',
      identifiedAt: new Date(BASE).toISOString(),
      consentedAt: new Date(BASE + MIN).toISOString(),
      locale: 'ja',
      sourceAddress: '10.0.0.1',
    });
    // A batch, as the archiver writes them.
    await records.appendLinkageEvents([
      {
        grantId: 'g1',
        customerId: 'c1',
        partnerId: 'p1',
        kind: 'made',
        time: new Date(BASE + MIN).toISOString(),
        actor: 'customer',
      },
      {
        grantId: 'g1',
        customerId: 'c1',
        partnerId: 'p1',
        kind: 'refreshed',
        time: new Date(BASE + DAY).toISOString(),
        actor: 'p1',
      },
    ]);
    await records.appendLinkageEvents([]);
    await records.appendLinkageEvents([
      {
        grantId: 'g1',
        customerId: 'c1',
        partnerId: 'p1',
        kind: 'ended',
        time: new Date(BASE + 2 * DAY).toISOString(),
        actor: 'staff1',
        reason: 'fraud_suspected',
      },
    ]);
    await records.appendLinkageEvents([
      {
        grantId: 'g9',
        customerId: 'c9',
        partnerId: 'p1',
        kind: 'made',
        time: new Date(BASE).toISOString(),
      },
    ]);
    // The archiver may move the same batch twice: an event with a known id is kept once.
    const refreshed = {
      id: '00000000-0000-4000-8000-00000000a001',
      grantId: 'g9',
      customerId: 'c9',
      partnerId: 'p1',
      kind: 'refreshed' as const,
      time: new Date(BASE + DAY).toISOString(),
    };
    await records.appendLinkageEvents([refreshed, refreshed]);
    await records.appendLinkageEvents([refreshed]);
    const g9 = (await records.linkageHistory('c9')).flatMap((h) => h.events.map((e) => e.kind));
    expect(g9).toEqual(['made', 'refreshed']);
    const history = await records.linkageHistory('c1');
    expect(history).toHaveLength(1);
    expect(history[0].consent?.termsVersion).toBe('2026-01');
    expect(history[0].events.map((e) => e.kind)).toEqual(['made', 'refreshed', 'ended']);
    expect(history[0].ended).toMatchObject({ actor: 'staff1', reason: 'fraud_suspected' });
    expect(history[0].lastRefreshed).toBe(new Date(BASE + DAY).toISOString());
    expect(await records.linkageHistory('nobody')).toEqual([]);
  });

  it('answers the newest event of each chain before a time, then drops whole months only', async () => {
    const feb = Date.UTC(2026, 1, 1);
    const last = await records.lastEventsBefore(feb);
    const janEvents = all.filter((e) => Date.parse(e.time) < feb);
    expect(last.map((l) => l.event.seq)).toEqual([Math.max(...janEvents.map((e) => e.seq))]);
    expect(await records.retentionHorizon()).toBe(0);
    // Asked to drop before Feb 20, it drops January only: February's partition holds younger events too.
    const cut = await records.dropAuditBefore(Date.UTC(2026, 1, 20));
    expect(cut).toBe(feb);
    expect(await records.retentionHorizon()).toBe(feb);
    const { out } = await pageAll({}, 'asc', 1000);
    expect(out).toHaveLength(all.length - janEvents.length);
    expect(out.every((e) => Date.parse(e.time) >= feb)).toBe(true);
  });
});
