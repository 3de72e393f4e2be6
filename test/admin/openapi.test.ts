import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_API_BODY_SCHEMAS } from '../../src/admin/api/schemas.ts';
import { partnerSchema } from '../../src/partners/schema.ts';
import { ROOT } from '../support/demo.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** docs/openapi/admin-api.json cannot drift from the code: the same body schemas, every route documented. */

const doc = JSON.parse(readFileSync(join(ROOT, 'docs/openapi/admin-api.json'), 'utf8')) as {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: { content: { 'application/json': { schema: { $ref: string } } } } }>
  >;
  components: { schemas: Record<string, Record<string, unknown>> };
};

const withoutId = ({ $id: _id, ...rest }: { $id: string }) => rest;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

test('it is OpenAPI 3.1', () => {
  expect(doc.openapi).toBe('3.1.0');
});

test('every request body is documented with exactly the JSON Schema the API checks it with', () => {
  const byId = new Map<string, object>(ADMIN_API_BODY_SCHEMAS.map((s) => [s.$id, withoutId(s)]));
  const documented = Object.entries(doc.paths).flatMap(([, item]) =>
    Object.values(item).flatMap((op) =>
      op.requestBody ? [op.requestBody.content['application/json'].schema.$ref.split('/').at(-1)!] : [],
    ),
  );
  expect(documented.length).toBeGreaterThan(0);
  const names: Record<string, string> = {
    ReasonBody: 'admin-api-reason',
    CustomerLookupBody: 'admin-api-customer-lookup',
    UnlockBody: 'admin-api-unlock',
    PartnerSaveBody: 'admin-api-partner-save',
    RestrictionBody: 'admin-api-restriction',
    MaintenanceWindowBody: 'admin-api-maintenance-window',
  };
  for (const name of new Set(documented)) expect(doc.components.schemas[name]).toEqual(byId.get(names[name]));
});

test("partner definitions are documented with the partner files' JSON Schema", () => {
  const { description: _d, ...definition } = doc.components.schemas.PartnerDefinition;
  expect(definition).toEqual(JSON.parse(JSON.stringify(withoutId(partnerSchema))));
});

test('every route the admin API serves is documented, and nothing more', () => {
  const served = new Set<string>();
  for (const layer of server.app.admin.apiRouter.stack) {
    if (!layer.methods.length || typeof layer.path !== 'string' || layer.path.includes('{*rest}')) continue;
    const path = layer.path.replace('/admin/api/v1', '').replace(/:(\w+)/g, '{$1}');
    for (const method of layer.methods) if (method !== 'HEAD') served.add(`${method} ${path}`);
  }
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((k) => k !== 'parameters')
        .map((m) => `${m.toUpperCase()} ${path}`),
    ),
  );
  expect([...served].sort()).toEqual([...documented].sort());
});
