// Part of `npm run bench:records`: the proof that every answered data call has its audit row.
//
// The bench keeps the request id of every data call answered 2xx (the server sends it back in
// X-Request-Id: src/http/error-handler.ts) and, once the archiver has caught up, matches them all
// against the data.access rows in PostgreSQL in one pass: the ids go into a temporary table
// (unnest of a few large arrays, not one statement per call) and one full join against the rows'
// request ids (each row's body is the event as written, JSON) counts both sides' leftovers.
import type pg from 'pg';

/** The request ids of the answered calls, from the responses; and what could not be counted. */
export interface AnsweredCalls {
  /** onResponse for autocannon: keeps the id of a 2xx answer. */
  onResponse(status: number, headers: Record<string, string | string[] | undefined>): void;
  ids: string[];
  /** 2xx answers that carried no X-Request-Id (each one makes the proof fail). */
  withoutId: number;
}

export const answeredCalls = (): AnsweredCalls => {
  const calls: AnsweredCalls = {
    ids: [],
    withoutId: 0,
    onResponse(status, headers) {
      if (status < 200 || status > 299) return;
      // Raw header names as the server sent them (X-Request-Id); any case accepted.
      const name = Object.keys(headers).find((h) => h.toLowerCase() === 'x-request-id');
      const value = name === undefined ? undefined : headers[name];
      const id = Array.isArray(value) ? value[0] : value;
      if (id) calls.ids.push(id);
      else calls.withoutId += 1;
    },
  };
  return calls;
};

export interface AuditMatch {
  /** Distinct request ids of the calls answered 2xx. */
  answered: number;
  /** Of those, the ones with a data.access row whose result is success. */
  found: number;
  /** Answered calls without such a row: must be 0. */
  missing: number;
  /** data.access rows that are no answered call's success row (a failure's row, a second row for a call). */
  extra: number;
  /** The same id answered twice (the server's ids are UUIDs: must be 0). */
  repeatedIds: number;
  seconds: number;
}

const CHUNK = 20_000;

/** Matches `ids` against records.audit_events (kind data.access) on `client` (the owner's). */
export const matchAuditRows = async (client: pg.Client, ids: readonly string[]): Promise<AuditMatch> => {
  const t0 = performance.now();
  await client.query('CREATE TEMP TABLE bench_answered (request_id text PRIMARY KEY) ON COMMIT PRESERVE ROWS');
  try {
    let inserted = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      const r = await client.query(
        'INSERT INTO bench_answered SELECT unnest($1::text[]) ON CONFLICT (request_id) DO NOTHING',
        [ids.slice(i, i + CHUNK)],
      );
      inserted += r.rowCount ?? 0;
    }
    await client.query('ANALYZE bench_answered');
    // A row that is not a success, or carries no request id, matches nothing: it counts as extra.
    const { rows } = await client.query<{ found: string; missing: string; unmatched: string; matched: string }>(
      `SELECT count(DISTINCT a.request_id) FILTER (WHERE r.audited) AS found,
              count(*) FILTER (WHERE r.audited IS NULL) AS missing,
              count(*) FILTER (WHERE r.audited AND a.request_id IS NULL) AS unmatched,
              count(*) FILTER (WHERE r.audited AND a.request_id IS NOT NULL) AS matched
         FROM bench_answered a
         FULL JOIN (SELECT CASE WHEN result = 'success' THEN body::jsonb ->> 'requestId' END AS request_id,
                           true AS audited
                      FROM records.audit_events
                     WHERE kind = 'data.access') r
           ON r.request_id = a.request_id`,
    );
    const found = Number(rows[0].found);
    return {
      answered: inserted,
      found,
      missing: Number(rows[0].missing),
      extra: Number(rows[0].unmatched) + (Number(rows[0].matched) - found),
      repeatedIds: ids.length - inserted,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await client.query('DROP TABLE IF EXISTS bench_answered');
  }
};
