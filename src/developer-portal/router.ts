import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createRouter } from '../http/router.ts';
import type { Context } from 'koa';
import { resolveLocale, switchLocaleHref } from '../http/locale.ts';
import type { Render } from '../http/render.ts';
import { ERROR_CODES } from './error-codes.ts';

/** The OpenAPI documents the portal renders, by the name in their URL. */
export const PORTAL_DOCUMENTS = {
  'data-api': 'docs/openapi/data-api.json',
  'grant-management': 'docs/openapi/grant-management.json',
} as const;
type DocumentName = keyof typeof PORTAL_DOCUMENTS;
const isDocument = (name: string): name is DocumentName => Object.hasOwn(PORTAL_DOCUMENTS, name);

/** The reference renderer (swagger-ui-dist: one self-contained bundle, no requests elsewhere). */
const ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;

/**
 * Scripts and styles from this origin only; the renderer fetches the document and, for "try it
 * out", calls this server. Nothing inline, nothing from elsewhere.
 */
const REFERENCE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TEXT = {
  ja: {
    title: '開発者ポータル',
    reference: {
      'data-api': 'データ API リファレンス',
      'grant-management': 'Grant Management・トークン取消 リファレンス',
    },
  },
  en: {
    title: 'Developer portal',
    reference: { 'data-api': 'Data API reference', 'grant-management': 'Grant Management and revocation reference' },
  },
} as const;

/**
 * The developer portal at /docs (discovery's service_documentation): a guide page that works
 * without JavaScript (onboarding, the flow, error codes, DPoP for curl, the reference client),
 * rendered references of the data API and of Grant Management and revocation, and the documents.
 */
export const developerPortalRouter = (deps: { rootDir: string; issuer: string; render: Render }) => {
  const root = deps.rootDir;
  const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map(
    Object.entries(ASSETS).map(([name, type]) => [name, { type, body: readFileSync(join(swaggerDir, name)) }]),
  );
  const documents = new Map(
    Object.entries(PORTAL_DOCUMENTS).map(([name, file]) => [name, readFileSync(join(root, file))]),
  );
  const initScript = readFileSync(join(root, 'views/docs/reference.js'));
  const partnerClient = readFileSync(join(root, 'src/demo-partner/partner-client.ts'));
  const { issuer } = deps;

  const cacheable = (ctx: Context) => ctx.set('Cache-Control', 'public, max-age=300');
  const router = createRouter({ prefix: '/docs' });

  router.get('/', (ctx) => {
    const locale = resolveLocale(ctx);
    cacheable(ctx);
    deps.render(
      ctx,
      'docs/guide',
      {
        issuer,
        errors: ERROR_CODES,
        references: Object.keys(PORTAL_DOCUMENTS)
          .filter(isDocument)
          .map((name) => ({
            href: `/docs/reference/${name}?lang=${locale}`,
            label: TEXT[locale].reference[name],
            json: `/docs/openapi/${name}.json`,
          })),
      },
      { locale, title: TEXT[locale].title, switchLocaleHref: switchLocaleHref(ctx, locale) },
    );
  });

  router.get('/reference/:name', (ctx) => {
    const name = ctx.params.name;
    if (!isDocument(name)) return;
    const locale = resolveLocale(ctx);
    deps.render(
      ctx,
      'docs/reference',
      { documentUrl: `/docs/openapi/${name}.json` },
      { locale, title: TEXT[locale].reference[name], switchLocaleHref: switchLocaleHref(ctx, locale) },
    );
    ctx.set('Content-Security-Policy', REFERENCE_CSP);
    cacheable(ctx);
  });

  router.get('/openapi/:file', (ctx) => {
    const name = ctx.params.file.replace(/\.json$/, '');
    const body = ctx.params.file.endsWith('.json') && isDocument(name) ? documents.get(name) : undefined;
    if (!body) return;
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Access-Control-Allow-Origin', '*');
    cacheable(ctx);
    ctx.body = body;
  });

  router.get('/assets/:file', (ctx) => {
    const file = ctx.params.file;
    const asset =
      file === 'reference.js' ? { type: 'text/javascript; charset=utf-8', body: initScript } : assets.get(file);
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.body = asset.body;
  });

  router.get('/partner-client.ts', (ctx) => {
    ctx.type = 'text/plain; charset=utf-8';
    cacheable(ctx);
    ctx.body = partnerClient;
  });

  return router;
};
