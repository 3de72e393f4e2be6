import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_RETRY_AFTER_SECONDS } from '../shared/unavailable.ts';

/**
 * What the server answers while it waits for its store at start: alive (/healthz 200), not ready
 * (/readyz 503, so no load balancer sends it traffic), and 503 with Retry-After for anything else.
 */
export const startingHandler = (req: IncomingMessage, res: ServerResponse): void => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const json = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  if (path === '/healthz') return json(200, { status: 'ok' });
  if (path === '/readyz') return json(503, { status: 'starting', checks: { store: 'unavailable' } });
  res.setHeader('retry-after', String(DEFAULT_RETRY_AFTER_SECONDS));
  if (/\btext\/html\b/.test(req.headers.accept ?? '')) {
    res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      '<!doctype html><html lang="ja"><head><meta charset="utf-8">' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">' +
        '<title>ただいま一時的にご利用いただけません</title><link rel="stylesheet" href="/static/app.css"></head>' +
        '<body><main><h1>ただいま一時的にご利用いただけません</h1>' +
        '<p>システムを起動しています。少し時間をおいてから、もう一度お試しください。</p>' +
        '<p lang="en">The service is starting. Please try again shortly.</p></main></body></html>',
    );
    return;
  }
  json(503, {
    errorCode: 'temporarily_unavailable',
    errorMessage: 'The service is starting. Please try again shortly.',
  });
};
