import { Readable } from 'node:stream';
import type { Context, Middleware } from 'koa';
import type { AuditFilter } from '../../../audit/index.ts';
import { decodeCursor, encodeCursor } from '../../../records/index.ts';
import { signedInRequest, type ConsoleRouter, type ConsoleDeps } from '../deps.ts';
import { LABELLED_KINDS } from '../../i18n/labels.ts';
import { exportFileName, parseJstLocal, toJstLocal } from '../format.ts';
import { renderError, renderPage } from '../pages.ts';
import { requirePermission } from '../steps/require-permission.ts';

// A page shows this many events, newest first; "older" pages on by keyset, past any number of rows.
const PAGE_LIMIT = 200;
// Without a start, the page looks at the last day.
const DEFAULT_RANGE_MS = 24 * 3600 * 1000;
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const KIND = /^[a-z_.*]{1,64}$/;
const RESULTS = new Set(['success', 'failure', 'denied']);
const ADDRESS = /^[0-9A-Fa-f:.]{2,45}$/;

/** The filter of the query string; a malformed value is an error, never silently dropped. */
const filterOf = (ctx: Context): AuditFilter | undefined => {
  const text = (name: string) => {
    const value = ctx.query[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const filter: AuditFilter = {};
  for (const name of ['customerId', 'partnerId', 'grantId'] as const) {
    const value = text(name);
    if (value !== undefined && !ID.test(value)) return undefined;
    if (value !== undefined) filter[name] = value;
  }
  const result = text('result');
  if (result !== undefined && !RESULTS.has(result)) return undefined;
  if (result !== undefined) filter.result = result;
  const address = text('sourceAddress');
  if (address !== undefined && !ADDRESS.test(address)) return undefined;
  if (address !== undefined) filter.sourceAddress = address;
  const kind = text('kind');
  if (kind !== undefined && !KIND.test(kind)) return undefined;
  if (kind !== undefined) filter.kind = kind;
  for (const name of ['from', 'to'] as const) {
    const value = text(name);
    if (value === undefined) continue;
    const ms = parseJstLocal(value);
    if (ms === undefined) return undefined;
    filter[name] = ms;
  }
  return filter;
};

const download = (
  ctx: Context,
  deps: Pick<ConsoleDeps, 'clock'>,
  name: string,
  format: 'jsonl' | 'csv',
  lines: AsyncIterable<string>,
) => {
  ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  // Named and timed in Japan time, as the screen shows times.
  ctx.attachment(exportFileName(name, deps.clock.now(), format));
  ctx.body = Readable.from(lines);
};

/**
 * The audit trail (terms 4.6): filtered by customer, partner, kind and time; exported as a file;
 * and the incident export of one customer or partner (optionally the partner's own copy).
 */
export const auditRoutes = (router: ConsoleRouter, deps: ConsoleDeps, signedIn: Middleware) => {
  const actor = (ctx: Context) => signedInRequest(ctx.state.console).actor;

  router.get('/audit', signedIn, requirePermission(deps, 'audit.read'), async (ctx) => {
    const given = filterOf(ctx);
    if (!given) return renderError(deps, ctx, 'invalid_request');
    const filter = { ...given, from: given.from ?? (given.to ?? deps.clock.now()) - DEFAULT_RANGE_MS };
    const cursorText = typeof ctx.query.after === 'string' && ctx.query.after !== '' ? ctx.query.after : undefined;
    const after = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && !after) return renderError(deps, ctx, 'invalid_request');
    const page = await deps.ops.audit.search(filter, { after, limit: PAGE_LIMIT, order: 'desc' });
    const partners = await deps.ops.partners.list();
    const query = new URLSearchParams(ctx.querystring);
    query.delete('lang');
    query.delete('format');
    query.delete('after');
    renderPage(
      deps,
      ctx,
      'audit',
      {
        events: page.events,
        kinds: LABELLED_KINDS,
        limit: PAGE_LIMIT,
        // The same filter (the range as shown), from just after the last event of this page.
        olderHref: page.next
          ? `/admin/audit?${new URLSearchParams({
              ...Object.fromEntries(query),
              from: query.get('from') || toJstLocal(filter.from),
              after: encodeCursor(page.next),
            }).toString()}`
          : undefined,
        paged: after !== undefined,
        query: { ...Object.fromEntries(query), from: query.get('from') || toJstLocal(filter.from) },
        partners: partners.map((v) => ({ clientId: v.partner.client_id, name: v.partner.name })),
        exportHref: (format: string) => {
          const p = new URLSearchParams(query);
          p.set('format', format);
          return `/admin/audit/export?${p.toString()}`;
        },
      },
      { titleKey: 'audit.title' },
    );
  });

  router.get('/audit/export', signedIn, requirePermission(deps, 'audit.export'), async (ctx) => {
    const filter = filterOf(ctx);
    const format = ctx.query.format;
    if (!filter || (format !== 'jsonl' && format !== 'csv')) return renderError(deps, ctx, 'invalid_request');
    download(ctx, deps, 'audit', format, await deps.ops.audit.export(filter, format, actor(ctx), 'JST'));
  });

  router.get('/audit/incident', signedIn, requirePermission(deps, 'audit.export'), async (ctx) => {
    const filter = filterOf(ctx);
    const format = ctx.query.format;
    if (!filter || filter.from === undefined || filter.to === undefined || (format !== 'jsonl' && format !== 'csv'))
      return renderError(deps, ctx, 'invalid_request');
    const lines = await deps.ops.audit.incident(
      { ...filter, from: filter.from, to: filter.to, limitToPartner: ctx.query.limitToPartner === 'on' },
      format,
      actor(ctx),
      'JST',
    );
    download(ctx, deps, 'incident', format, lines);
  });
};
