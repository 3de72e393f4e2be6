import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';

/** The few static files the pages use, read once at start-up. */
export const staticFiles = (rootDir: string): Middleware => {
  const css = readFileSync(join(rootDir, 'views/static/app.css'));
  return async (ctx, next) => {
    if (ctx.path === '/static/app.css' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
      ctx.type = 'text/css; charset=utf-8';
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = css;
      return;
    }
    await next();
  };
};
