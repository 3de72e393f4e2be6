import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { ERROR_CODES } from '../../src/developer-portal/error-codes.ts';
import { PORTAL_DOCUMENTS } from '../../src/developer-portal/router.ts';
import { ROOT } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** What the portal says holds to the documents: every operation has examples, every error code is in the table. */

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;
type Media = { schema: object; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  operationId: string;
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};
const load = (file: string) =>
  JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
  };

test.each(Object.entries(PORTAL_DOCUMENTS))(
  '%s: every operation has an example for each JSON body, and each example matches its schema',
  (_name, file) => {
    const doc = load(file);
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(doc as object, 'doc');
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const bodies = [
          ...Object.values(op.requestBody?.content ?? {}),
          ...Object.values(op.responses).flatMap((r) => Object.values(r.content ?? {})),
        ];
        for (const media of bodies) {
          const examples =
            media.example !== undefined ? [media.example] : Object.values(media.examples ?? {}).map((e) => e.value);
          expect({ at: `${method} ${path}`, examples: examples.length > 0 }).toEqual({
            at: `${method} ${path}`,
            examples: true,
          });
          // The schema's local references point into the document, registered as "doc".
          const validate = ajv.compile(
            JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components', '"doc#/components')) as object,
          );
          for (const example of examples) {
            expect({
              at: `${method} ${path}`,
              valid: validate(example),
              errors: validate.errors ?? null,
            }).toMatchObject({
              valid: true,
            });
            checked += 1;
          }
        }
      }
    expect(checked).toBeGreaterThan(5);
  },
);

test('the error table has every code the data API and Grant Management answer', () => {
  const data = load(PORTAL_DOCUMENTS['data-api']);
  const codes = data.components.schemas.ErrorResponse.properties!.errorCode.enum!;
  const tabled = new Set(ERROR_CODES.filter((e) => e.where === 'data').map((e) => e.code));
  expect(codes.filter((c) => !tabled.has(c))).toEqual([]);
  const grants = load(PORTAL_DOCUMENTS['grant-management']);
  const answered = new Set<string>();
  for (const item of Object.values(grants.paths))
    for (const [method, op] of Object.entries(item)) {
      if (method === 'parameters') continue;
      for (const r of Object.values(op.responses))
        for (const media of Object.values(r.content ?? {}))
          for (const e of Object.values(media.examples ?? {})) {
            const v = e.value as { errorCode?: string; error?: string };
            answered.add(v.errorCode ?? v.error!);
          }
    }
  const all = new Set(ERROR_CODES.map((e) => e.code));
  expect([...answered].filter((c) => !all.has(c))).toEqual([]);
});

describe('served', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server.close());

  test('the documents, the renderer and its styles come from this server; unknown names are 404', async () => {
    for (const name of Object.keys(PORTAL_DOCUMENTS)) {
      const res = await fetch(`${server.url}/docs/openapi/${name}.json`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { openapi: string }).openapi).toBe('3.1.0');
    }
    const page = await fetch(`${server.url}/docs/reference/data-api`);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await page.text();
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(src[1]).toMatch(/^\/(?!\/)/);
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'reference.js'])
      expect((await fetch(`${server.url}/docs/assets/${asset}`)).status).toBe(200);
    expect((await fetch(`${server.url}/docs/assets/../package.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/docs/reference/admin-api`)).status).toBe(404);
    expect((await fetch(`${server.url}/docs/openapi/admin-api.json`)).status).toBe(404);
  });
});
