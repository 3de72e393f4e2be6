// bench:records' proof that every answered data call has its audit row (bench/records-audit.ts)
// must see what it is there to see: a missing row, a failure's row standing in for a success, a
// second row for one call, a row no answered call made. Planted rows on the suite's PostgreSQL.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { answeredCalls, matchAuditRows } from '../../bench/records-audit.ts';
import { asOwner, freshRecordDatabase, postgresAvailable, type RecordDatabase } from '../support/records.ts';

describe('bench:records keeps the ids of the answered calls', () => {
  it('keeps a 2xx answer’s X-Request-Id whatever its case, counts a 2xx without one, ignores the others', () => {
    const calls = answeredCalls();
    calls.onResponse(200, { 'X-Request-Id': 'req-a' });
    calls.onResponse(204, { 'x-request-id': ['req-b'] });
    calls.onResponse(200, { 'content-type': 'application/json' });
    calls.onResponse(503, { 'X-Request-Id': 'req-c' });
    expect({ ids: calls.ids, withoutId: calls.withoutId }).toEqual({ ids: ['req-a', 'req-b'], withoutId: 1 });
  });
});

(postgresAvailable() ? describe : describe.skip)('bench:records matches them against the audit rows', () => {
  let db: RecordDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await freshRecordDatabase();
    client = new pg.Client({ connectionString: db.ownerUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  let seq = 0;
  const plant = (kind: string, result: string, requestId: string | undefined) =>
    asOwner(
      db,
      `INSERT INTO records.audit_events (time, id, chain, seq, instance, kind, result, body)
       VALUES (now(), $1, 'bench-test', $2, 'bench-test', $3, $4, $5)`,
      [randomUUID(), (seq += 1), kind, result, JSON.stringify({ kind, result, requestId })],
    );

  it('finds each answered call’s success row and counts the missing and the extra ones', async () => {
    await plant('data.access', 'success', 'req-a'); // found
    await plant('data.access', 'success', 'req-b'); // found…
    await plant('data.access', 'success', 'req-b'); // …and a second row for the same call: extra
    await plant('data.access', 'failure', 'req-c'); // not a success: req-c missing, this row extra
    await plant('token.refresh', 'success', 'req-d'); // another kind: req-d missing
    await plant('data.access', 'success', 'req-e'); // no answered call made it: extra
    await plant('data.access', 'success', undefined); // no request id: extra

    const match = await matchAuditRows(client, ['req-a', 'req-b', 'req-c', 'req-d', 'req-a']);
    expect({ ...match, seconds: undefined }).toEqual({
      answered: 4,
      found: 2,
      missing: 2,
      extra: 4,
      repeatedIds: 1,
      seconds: undefined,
    });
    // It leaves nothing behind on the connection: a second match starts afresh.
    expect((await matchAuditRows(client, ['req-a'])).answered).toBe(1);
  });
});
