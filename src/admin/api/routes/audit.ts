import { Readable } from 'node:stream';
import type { Context } from 'koa';
import { ResourceError } from '../../../web/errors.ts';
import type { AuditFilter } from '../../../audit/index.ts';
import type { AdminApiRouter, ApiDeps, ScopeChecks } from '../deps.ts';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const KIND = /^[a-z_.*]{1,64}$/;

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
  for (const name of ['customerId', 'partnerId'] as const) {
    const v = one(name);
    if (v !== undefined && !ID.test(v)) throw new ResourceError(400, 'invalid_request', `"${name}" is malformed.`);
    if (v !== undefined) filter[name] = v;
  }
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
