// Reference "bare koa": the data call's JSON with no checks at all (the ceiling of the stack).
import { readFileSync } from 'node:fs';
import Koa from 'koa';

// The real server's answer, written by the bench once it is up (read at the first request).
let bodyOf: unknown;
const body = () => (bodyOf ??= JSON.parse(readFileSync(process.env.BODY_FILE!, 'utf8')));
const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path !== '/api/v1/accounts') {
    ctx.status = 404;
    return;
  }
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body();
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('{"ready":true}\n'));
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});
