import type { Context } from 'koa';
import { readRawBody } from './raw-body.ts';

const MAX_FORM_BYTES = 16 * 1024;

/**
 * Reads an application/x-www-form-urlencoded body (the only kind our pages post). Repeated fields
 * become arrays. Anything else, or anything too large, is a 400/415.
 */
export const readForm = async (ctx: Context): Promise<Record<string, string | string[]>> => {
  if (!ctx.is('application/x-www-form-urlencoded')) ctx.throw(415, 'form expected');
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(await readRawBody(ctx, MAX_FORM_BYTES))) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
};

export const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);
export const many = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
