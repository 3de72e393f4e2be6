import pg from 'pg';
import { decodeRecordedAuditEvent, parseRecordedAuditEvent } from '../shared/audit-event.ts';
import { codeOf } from '../shared/thrown.ts';
import { stringField } from '../shared/unknown-json.ts';
import { monthStart } from './memory-record-store.ts';
import { partitionsBefore } from './migrate.ts';
import {
  buildHistory,
  grantIdOfEvent,
  kindPrefix,
  RecordStoreUnavailableError,
  sourceAddressOf,
  type AuditCursor,
  type AuditSearch,
  type ConsentEvidence,
  type LinkageEvent,
  type RecordStore,
  type StoredAuditEvent,
} from './record-store.ts';

export interface PostgresRecordStoreOptions {
  /** The application role's URL (INSERT and SELECT only). */
  url: string;
  /** The owner role's URL: retention (dropping partitions) needs it; absent, retention is refused. */
  ownerUrl?: string;
  poolSize?: number;
  /** Per statement, ms: a stalled server fails the call instead of holding it. */
  statementTimeoutMs?: number;
}

const PAGE = 500;
/** Rows per multi-row INSERT: 13 parameters each, below PostgreSQL's 65535 parameter limit. */
const INSERT_CHUNK = 1000;

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03']);

/** Connection failures become RecordStoreUnavailableError (503 upstream); SQL errors stay what they are. */
const wrap = (e: unknown): never => {
  const code = codeOf(e);
  const message = stringField(e, 'message');
  if (
    (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) ||
    /timeout|terminat|Connection ended|connect/i.test(message ?? '')
  )
    throw new RecordStoreUnavailableError(`record store unavailable: ${message}`);
  throw e;
};

/** WHERE clause of a search, with its parameters. */
const where = (filter: AuditSearch, params: unknown[]): string[] => {
  const clauses: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  // The customer's own events, and those of grants an event tied to the customer (token issuance
  // names the grant only).
  if (filter.customerId !== undefined) {
    params.push(filter.customerId);
    const p = `$${params.length}`;
    clauses.push(
      `(customer_id = ${p} OR grant_id IN ` +
        `(SELECT grant_id FROM records.audit_events WHERE customer_id = ${p} AND grant_id IS NOT NULL))`,
    );
  }
  if (filter.partnerId !== undefined) add('partner_id = ?', filter.partnerId);
  if (filter.grantId !== undefined) add('grant_id = ?', filter.grantId);
  if (filter.result !== undefined) add('result = ?', filter.result);
  if (filter.sourceAddress !== undefined) add('source_address = ?', filter.sourceAddress);
  if (filter.requestId !== undefined) add('request_id = ?', filter.requestId);
  if (filter.from !== undefined) add('time >= ?', new Date(filter.from));
  if (filter.to !== undefined) add('time < ?', new Date(filter.to));
  if (filter.kind !== undefined) {
    const k = kindPrefix(filter.kind);
    if ('exact' in k) add('kind = ?', k.exact);
    // A range instead of LIKE: the index on kind (COLLATE "C") serves it, and no pattern characters to escape.
    else {
      add('kind >= ?', k.prefix);
      add('kind < ?', `${k.prefix}\uffff`);
    }
  }
  return clauses;
};

/**
 * The record store on PostgreSQL (node-postgres and its pool). Reads go a page at a time by keyset
 * (time, id), so neither the console nor an export ever holds more than one page.
 */
export const createPostgresRecordStore = (options: PostgresRecordStoreOptions): RecordStore => {
  const config = (url: string): pg.PoolConfig => ({
    connectionString: url,
    max: options.poolSize ?? 5,
    connectionTimeoutMillis: 2000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    idleTimeoutMillis: 10_000,
  });
  const pool = new pg.Pool(config(options.url));
  // An idle client's error (the server went away) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let owner: pg.Pool | undefined;
  const ownerPool = () => {
    if (!options.ownerUrl) throw new Error('retention needs the owner role (records.ownerUrl / DATABASE_OWNER_URL)');
    if (!owner) {
      owner = new pg.Pool({ ...config(options.ownerUrl), max: 1 });
      owner.on('error', () => undefined);
    }
    return owner;
  };
  const query = async <R extends pg.QueryResultRow>(text: string, params: unknown[] = []) => {
    try {
      return await pool.query<R>(text, params);
    } catch (e) {
      return wrap(e);
    }
  };

  const searchPage = async (filter: AuditSearch, after: AuditCursor | undefined, limit: number, desc: boolean) => {
    const params: unknown[] = [];
    const clauses = where(filter, params);
    if (after) {
      params.push(new Date(after.time), after.id);
      clauses.push(`(time, id) ${desc ? '<' : '>'} ($${params.length - 1}, $${params.length})`);
    }
    params.push(limit + 1);
    const { rows } = await query<{ body: string }>(
      `SELECT body FROM records.audit_events ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''}
        ORDER BY time ${desc ? 'DESC' : 'ASC'}, id ${desc ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
      params,
    );
    const events = rows.slice(0, limit).map((r) => parseRecordedAuditEvent(r.body));
    const last = events[events.length - 1];
    return { events, ...(rows.length > limit && last ? { next: { time: last.time, id: last.id } } : {}) };
  };

  return {
    kind: 'postgres',
    durable: true,
    async appendAuditEvents(events, bodies) {
      for (let i = 0; i < events.length; i += INSERT_CHUNK) {
        const chunk = events.slice(i, i + INSERT_CHUNK);
        const params: unknown[] = [];
        const values = chunk.map((e, k) => {
          const base = params.length;
          params.push(
            e.time,
            e.id,
            e.chain,
            e.seq,
            e.instance,
            e.kind,
            e.result,
            e.actor ?? null,
            e.customerId ?? null,
            e.partnerId ?? null,
            grantIdOfEvent(e) ?? null,
            sourceAddressOf(e) ?? null,
            e.requestId ?? null,
            bodies?.[i + k] ?? JSON.stringify(e),
          );
          return `(${Array.from({ length: 14 }, (_, k) => `$${base + k + 1}`).join(',')})`;
        });
        await query(
          `INSERT INTO records.audit_events
             (time, id, chain, seq, instance, kind, result, actor, customer_id, partner_id, grant_id,
              source_address, request_id, body)
           VALUES ${values.join(',')} ON CONFLICT DO NOTHING`,
          params,
        );
      }
    },
    async appendCheckpoints(list) {
      if (list.length === 0) return;
      const params: unknown[] = [];
      const values = list.map((c) => {
        params.push(c.id, c.time, c.chain, c.seq, c.jws);
        const b = params.length - 5;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5})`;
      });
      await query(
        `INSERT INTO records.audit_checkpoints (id, time, chain, seq, jws) VALUES ${values.join(',')} ` +
          'ON CONFLICT DO NOTHING',
        params,
      );
    },
    searchAudit: (filter, page) => searchPage(filter, page.after, page.limit, (page.order ?? 'desc') === 'desc'),
    async *streamAudit(filter) {
      let after: AuditCursor | undefined;
      for (;;) {
        const page = await searchPage(filter, after, PAGE, false);
        yield* page.events;
        if (!page.next) return;
        after = page.next;
      }
    },
    async *chainOrder() {
      type Row = {
        body: string;
        chain: string;
        seq: string;
        time: Date;
        id: string;
        kind: string;
        result: string;
        customer_id: string | null;
        partner_id: string | null;
        grant_id: string | null;
      };
      const columns = 'body, chain, seq, time, id, kind, result, customer_id, partner_id, grant_id';
      let after: { chain: string; seq: number; time: Date; id: string } | undefined;
      for (;;) {
        const { rows } = after
          ? await query<Row>(
              `SELECT ${columns} FROM records.audit_events
                WHERE (chain, seq, time, id) > ($1, $2, $3, $4) ORDER BY chain, seq, time, id LIMIT ${PAGE}`,
              [after.chain, after.seq, after.time, after.id],
            )
          : await query<Row>(`SELECT ${columns} FROM records.audit_events ORDER BY chain, seq, time, id LIMIT ${PAGE}`);
        for (const r of rows) {
          const meta = { chain: r.chain, seq: Number(r.seq), id: r.id, time: r.time.toISOString() };
          const cols = {
            time: meta.time,
            id: r.id,
            kind: r.kind,
            result: r.result,
            customerId: r.customer_id,
            partnerId: r.partner_id,
            grantId: r.grant_id,
          };
          const event = decodeRecordedAuditEvent(r.body);
          yield event
            ? { event, body: r.body, readable: true, columns: cols }
            : {
                event: { ...meta, kind: r.kind, result: 'failure', instance: '', prev: '' },
                body: r.body,
                readable: false,
              };
        }
        if (rows.length < PAGE) return;
        const last = rows[rows.length - 1];
        after = { chain: last.chain, seq: Number(last.seq), time: last.time, id: last.id };
      }
    },
    async *checkpoints() {
      const { rows } = await query<{ id: string; time: Date; chain: string; seq: string; jws: string }>(
        'SELECT id, time, chain, seq, jws FROM records.audit_checkpoints ORDER BY time, id',
      );
      for (const r of rows)
        yield { id: r.id, time: r.time.toISOString(), chain: r.chain, seq: Number(r.seq), jws: r.jws };
    },
    async lastEventsBefore(beforeMs) {
      const { rows } = await query<{ body: string }>(
        `SELECT DISTINCT ON (chain) body FROM records.audit_events WHERE time < $1 ORDER BY chain, seq DESC`,
        [new Date(beforeMs)],
      );
      return rows.map((r): StoredAuditEvent => ({ event: parseRecordedAuditEvent(r.body), body: r.body }));
    },
    async dropAuditBefore(beforeMs) {
      const cut = monthStart(beforeMs);
      const client = await ownerPool()
        .connect()
        .catch((e: unknown) => wrap(e));
      try {
        await client.query('BEGIN');
        for (const name of await partitionsBefore(client, cut))
          await client.query(`DROP TABLE records."${name.replaceAll('"', '""')}"`);
        await client.query('INSERT INTO records.audit_retention (cut_before) VALUES ($1) ON CONFLICT DO NOTHING', [
          new Date(cut),
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
      return cut;
    },
    async retentionHorizon() {
      const { rows } = await query<{ cut: Date | null }>('SELECT max(cut_before) AS cut FROM records.audit_retention');
      return rows[0]?.cut ? rows[0].cut.getTime() : 0;
    },
    async appendConsentEvidence(evidence: ConsentEvidence) {
      await query(
        `INSERT INTO records.consent_evidence (consent_id, grant_id, customer_id, partner_id, consented_at, body)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          evidence.consentId,
          evidence.grantId,
          evidence.customerId,
          evidence.partnerId,
          evidence.consentedAt,
          JSON.stringify(evidence),
        ],
      );
    },
    async appendLinkageEvents(events: LinkageEvent[]) {
      if (events.length === 0) return;
      // One statement for the whole batch (a refresh makes one linkage event: under refresh load,
      // one INSERT per event was a round trip per request).
      const column = <T>(pick: (e: LinkageEvent) => T) => events.map(pick);
      await query(
        `INSERT INTO records.linkage_events (id, grant_id, customer_id, partner_id, kind, time, actor, reason, details)
         SELECT COALESCE(id, gen_random_uuid()), grant_id, customer_id, partner_id, kind, time, actor, reason, details
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                       $8::text[], $9::jsonb[])
             AS e(id, grant_id, customer_id, partner_id, kind, time, actor, reason, details)
         ON CONFLICT DO NOTHING`,
        [
          column((e) => e.id ?? null),
          column((e) => e.grantId),
          column((e) => e.customerId),
          column((e) => e.partnerId),
          column((e) => e.kind),
          column((e) => e.time),
          column((e) => e.actor ?? null),
          column((e) => e.reason ?? null),
          column((e) => (e.details ? JSON.stringify(e.details) : null)),
        ],
      );
    },
    async customersOfGrants(grantIds) {
      if (grantIds.length === 0) return new Map();
      const { rows } = await query<{ grant_id: string; customer_id: string }>(
        'SELECT grant_id, customer_id FROM records.consent_evidence WHERE grant_id = ANY($1)',
        [grantIds],
      );
      return new Map(rows.map((r) => [r.grant_id, r.customer_id]));
    },
    async linkageHistory(customerId) {
      const consents = await query<{ body: ConsentEvidence }>(
        'SELECT body FROM records.consent_evidence WHERE customer_id = $1 ORDER BY consented_at',
        [customerId],
      );
      const events = await query<{
        grant_id: string;
        customer_id: string;
        partner_id: string;
        kind: LinkageEvent['kind'];
        time: Date;
        actor: string | null;
        reason: string | null;
        details: Record<string, unknown> | null;
      }>('SELECT * FROM records.linkage_events WHERE customer_id = $1 ORDER BY time', [customerId]);
      return buildHistory(
        consents.rows.map((r) => r.body),
        events.rows.map((r) => ({
          grantId: r.grant_id,
          customerId: r.customer_id,
          partnerId: r.partner_id,
          kind: r.kind,
          time: r.time.toISOString(),
          ...(r.actor ? { actor: r.actor } : {}),
          ...(r.reason ? { reason: r.reason } : {}),
          ...(r.details ? { details: r.details } : {}),
        })),
      );
    },
    async dropLinkageRecordsBefore(beforeMs) {
      const client = await ownerPool()
        .connect()
        .catch((e: unknown) => wrap(e));
      try {
        await client.query('DELETE FROM records.consent_evidence WHERE consented_at < $1', [new Date(beforeMs)]);
        await client.query('DELETE FROM records.linkage_events WHERE time < $1', [new Date(beforeMs)]);
      } finally {
        client.release();
      }
    },
    async ping() {
      await query('SELECT 1');
    },
    async close() {
      await pool.end();
      await owner?.end();
    },
  };
};
