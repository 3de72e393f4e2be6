import type { Context } from 'koa';

/** The request body as text, refusing anything larger than `maxBytes` (413, or the caller's error). */
export const readRawBody = async (ctx: Context, maxBytes: number, tooLarge?: () => Error): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    // A request stream without an encoding set yields Buffers.
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += bytes.length;
    if (size > maxBytes) {
      if (tooLarge) throw tooLarge();
      ctx.throw(413, 'request body too large');
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString('utf8');
};
