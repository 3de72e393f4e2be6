import type { Context } from 'koa';

/** The request body as text, refusing anything larger than `maxBytes` (413, or the caller's error). */
export const readRawBody = async (ctx: Context, maxBytes: number, tooLarge?: () => Error): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      if (tooLarge) throw tooLarge();
      ctx.throw(413, 'request body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};
