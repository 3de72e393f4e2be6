import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { ResourceError } from '../../../web/errors.ts';
import type { AuditFilter } from '../../../audit/index.ts';
import { decodeCursor, encodeCursor } from '../../../records/index.ts';
import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const KIND = /^[a-z_.*]{1,64}$/;
const RESULTS = new Set(['success', 'failure', 'denied']);
/** An IPv4 or IPv6 address as the server logs it (::ffff:192.0.2.1 included). */
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/** The filter of the query string; anything malformed is a 400, never silently widened. */
const filterOf = (ctx: Context): AuditFilter => {
  const q = ctx.query;
  const one = (name: string) => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') throw new ResourceError(400, 'invalid_request', `"${name}" is given more than once.`);
    return v;
  };
  const filter: AuditFilter = {};
  for (const name of ['customerId', 'partnerId', 'grantId'] as const) {
    const v = one(name);
    if (v !== undefined && !ID.test(v)) throw new ResourceError(400, 'invalid_request', `"${name}" is malformed.`);
    if (v !== undefined) filter[name] = v;
  }
  const result = one('result');
  if (result !== undefined && !RESULTS.has(result))
    throw new ResourceError(400, 'invalid_request', '"result" must be "success", "failure" or "denied".');
  if (result !== undefined) filter.result = result;
  const address = one('sourceAddress');
  if (address !== undefined && !ADDRESS.test(address))
    throw new ResourceError(400, 'invalid_request', '"sourceAddress" must be an IP address.');
  if (address !== undefined) filter.sourceAddress = address;
  const kind = one('kind');
  if (kind !== undefined && !KIND.test(kind)) throw new ResourceError(400, 'invalid_request', '"kind" is malformed.');
  if (kind !== undefined) filter.kind = kind;
  for (const name of ['from', 'to'] as const) {
    const v = one(name);
    const ms = v === undefined ? undefined : Date.parse(v);
    if (v !== undefined && (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(v)))
      throw new ResourceError(400, 'invalid_request', `"${name}" must be an ISO 8601 date-time.`);
    if (ms !== undefined) filter[name] = ms;
  }
  const limit = one('limit');
  if (limit !== undefined && !/^[1-9][0-9]{0,4}$/.test(limit))
    throw new ResourceError(400, 'invalid_request', '"limit" must be 1 to 99999.');
  if (limit !== undefined) filter.limit = Number(limit);
  return filter;
};

const formatOf = (ctx: Context): 'jsonl' | 'csv' => {
  const format = ctx.query.format;
  if (format !== 'jsonl' && format !== 'csv')
    throw new ResourceError(400, 'invalid_request', '"format" must be "jsonl" or "csv".');
  return format;
};

const sendLines = (ctx: Context, format: 'jsonl' | 'csv', lines: AsyncIterable<string>) => {
  ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  ctx.body = Readable.from(lines);
};

/** The audit trail (terms 4.6): events as JSON, an export file, the incident export. Each export is audited. */
export const auditApiRoutes = (router: AdminApiRouter, deps: ApiDeps, scope: Pick<ScopeChecks, 'read'>) => {
  router.get('/audit/events', scope.read, async (ctx) => {
    ctx.body = { events: await deps.ops.audit.query(filterOf(ctx)) };
  });

  // Keyset paging, newest first: `next` is an opaque cursor for the following page (absent on the last).
  router.get('/audit/search', scope.read, async (ctx) => {
    const { limit, ...filter } = filterOf(ctx);
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor !== '' ? ctx.query.cursor : undefined;
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after)
      throw new ResourceError(400, 'invalid_request', '"cursor" is not one this server gave.');
    if (limit !== undefined && limit > 1000)
      throw new ResourceError(400, 'invalid_request', '"limit" must be 1 to 1000.');
    const order = ctx.query.order === 'asc' ? 'asc' : 'desc';
    const page = await deps.ops.audit.search(filter, { after, limit: limit ?? 100, order });
    ctx.body = { events: page.events, ...(page.next ? { next: encodeCursor(page.next) } : {}) };
  });

  router.get('/audit/export', scope.read, async (ctx) => {
    const filter = filterOf(ctx);
    const format = formatOf(ctx);
    sendLines(ctx, format, await deps.ops.audit.export(filter, format, ctx.state.actor));
  });

  router.get('/audit/incident', scope.read, async (ctx) => {
    const { customerId, partnerId, from, to } = filterOf(ctx);
    const format = formatOf(ctx);
    if (from === undefined || to === undefined)
      throw new ResourceError(400, 'invalid_request', '"from" and "to" are required.');
    const limitToPartner = ctx.query.limitToPartner === 'true';
    sendLines(
      ctx,
      format,
      await deps.ops.audit.incident({ customerId, partnerId, from, to, limitToPartner }, format, ctx.state.actor),
    );
  });
};
