import { join } from 'node:path';
import { Eta } from 'eta';
import type { Context } from 'koa';
import { translator, type Locale } from '../i18n/index.ts';
import { requestIdOf } from './error-handler.ts';

export interface PageOptions {
  locale: Locale;
  /** The same page in the other language (a link, so it works without JavaScript). */
  switchLocaleHref?: string;
  status?: number;
  title: string;
}

/**
 * Server-rendered pages: eta templates under views/, auto-escaped (`<%= %>` escapes; the views
 * never use raw output for data), wrapped in views/layout.eta.
 */
export const createRenderer = (rootDir: string) => {
  const eta = new Eta({ views: join(rootDir, 'views'), autoEscape: true, cache: true, autoTrim: false });
  return (ctx: Context, template: string, data: Record<string, unknown>, page: PageOptions) => {
    const t = translator(page.locale);
    ctx.status = page.status ?? 200;
    ctx.type = 'text/html; charset=utf-8';
    const requestId: unknown = ctx.state?.requestId;
    ctx.body = eta.render(template, {
      ...data,
      t,
      locale: page.locale,
      title: page.title,
      switchLocaleHref: page.switchLocaleHref,
      // What a customer quotes to the bank's support; shown on error pages.
      requestId: typeof requestId === 'string' ? requestId : requestIdOf(ctx.req),
    });
  };
};

export type Render = ReturnType<typeof createRenderer>;
