// The environment a docker-compose service runs with, as seen from the host: `npm run config:check
// -- --compose docker-compose.yml` checks the configuration the stack would start with, on the
// machine the stack is prepared on, without Docker.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { ConfigError } from '../config/config-error.ts';
import { createAjv } from '../shared/json-schema.ts';

export interface ComposeService {
  /** The service's environment, interpolated, with paths in bind mounts made host paths. */
  env: Record<string, string>;
  /** Host names of the compose file's services (reachable only inside the stack). */
  services: string[];
}

/** What of a compose file this reads: its services' environment, volumes and working directory. */
const composeFileSchema = {
  type: 'object',
  properties: {
    services: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          environment: {
            anyOf: [
              { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean', 'null'] } },
              { type: 'array', items: { type: 'string' } },
            ],
          },
          volumes: {
            type: 'array',
            items: {
              anyOf: [
                { type: 'string' },
                {
                  type: 'object',
                  properties: { type: { type: 'string' }, source: { type: 'string' }, target: { type: 'string' } },
                },
              ],
            },
          },
          working_dir: { type: 'string' },
        },
      },
    },
  },
} as const;
const validateComposeFile = createAjv().compile<FromSchema<typeof composeFileSchema>>(composeFileSchema);

/** `KEY=value` lines of a .env file (comments, blank lines and surrounding quotes as compose reads them). */
const readDotEnv = (file: string): Record<string, string> => {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 1) continue;
    const value = line.slice(eq + 1).trim();
    out[line.slice(0, eq).trim()] = /^(['"]).*\1$/.test(value) ? value.slice(1, -1) : value;
  }
  return out;
};

/**
 * Compose's interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error},
 * ${NAME?error}. A required variable that is unset is a configuration problem naming it.
 */
const interpolate = (text: string, vars: Record<string, string | undefined>, where: string): string =>
  text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced?: string, colon?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const value = vars[name];
      const missing = value === undefined || (colon === ':' && value === '');
      if (!missing || !op) return value ?? '';
      if (op === '-') return arg ?? '';
      throw new ConfigError(where, [`${name} is not set: ${arg || 'required'}`]);
    },
  );

/**
 * Reads `service` of a compose file. Paths in its environment that lie under one of its bind
 * mounts (relative ones taken from the image's working directory, `workdir`) become the mounts'
 * host paths; the others are the image's own files, which are the build context's (the image
 * copies the repository), so they stay as they are and resolve against the repository.
 */
export const readComposeService = async (
  file: string,
  options: { service?: string; envFile?: string; workdir?: string; shellEnv?: Record<string, string | undefined> } = {},
): Promise<ComposeService> => {
  const { load } = await import('js-yaml');
  const name = options.service ?? 'app';
  const dir = dirname(resolve(file));
  const shown = relative(process.cwd(), resolve(file)) || file;
  // An empty file is a document without services.
  const doc: unknown = load(readFileSync(file, 'utf8')) ?? {};
  if (!validateComposeFile(doc)) throw ConfigError.fromAjv(shown, validateComposeFile.errors);
  const service = doc.services?.[name];
  if (!service) throw new ConfigError(shown, [`services.${name}: no such service`]);
  // The shell's variables win over the .env file's, as with docker-compose.
  const vars = { ...readDotEnv(options.envFile ?? join(dir, '.env')), ...(options.shellEnv ?? {}) };
  const workdir = service.working_dir ?? options.workdir ?? '/app';

  const mounts: { target: string; source: string }[] = [];
  for (const volume of service.volumes ?? []) {
    const spec =
      typeof volume === 'string'
        ? (() => {
            const [source, target] = interpolate(volume, vars, shown).split(':');
            return { source, target, bind: /^[./~]/.test(source ?? '') };
          })()
        : { source: volume.source, target: volume.target, bind: volume.type === 'bind' };
    if (spec.bind && spec.source && spec.target)
      mounts.push({ target: posix.resolve(workdir, spec.target), source: resolve(dir, spec.source) });
  }
  mounts.sort((a, b) => b.target.length - a.target.length);

  const entries: [string, string][] = Array.isArray(service.environment)
    ? service.environment.map((e): [string, string] => {
        const eq = e.indexOf('=');
        return eq < 0 ? [e, vars[e] ?? ''] : [e.slice(0, eq), e.slice(eq + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([k, v]): [string, string] => [k, v === null ? '' : String(v)]);
  const env: Record<string, string> = {};
  for (const [key, raw] of entries) {
    const value = interpolate(raw, vars, `${shown}: services.${name}.environment.${key}`);
    env[key] = value;
    if (!value || /^[a-z][a-z0-9+.-]*:/i.test(value)) continue; // empty, or a URL
    const inContainer = posix.resolve(workdir, value);
    const mount = mounts.find((m) => inContainer === m.target || inContainer.startsWith(`${m.target}/`));
    if (mount) env[key] = join(mount.source, inContainer.slice(mount.target.length));
  }
  return { env, services: Object.keys(doc.services ?? {}) };
};
