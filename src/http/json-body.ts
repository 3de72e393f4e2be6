import type { Context } from 'koa';
import { readRawBody } from './raw-body.ts';

const MAX_JSON_BYTES = 64 * 1024;

/** Reads an application/json body (APIs for the bank's systems); 415/413/400 otherwise. */
export const readJson = async (ctx: Context): Promise<unknown> => {
  if (!ctx.is('application/json')) ctx.throw(415, 'application/json expected');
  const text = await readRawBody(ctx, MAX_JSON_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    return ctx.throw(400, 'malformed JSON');
  }
};
