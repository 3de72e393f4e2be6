import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CalendarConfig } from '../calendar/index.ts';
import { ConfigError } from './config-error.ts';
import { fieldOf, recordsOf, stringField } from '../shared/unknown-json.ts';
import type { Settings } from './schema.ts';

/** The committed demo pieces this build ships, relative to the repository. */
export const DEMO_DIR = 'config/demo';

type Jwk = Record<string, unknown>;

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of a public or private key; undefined for an unknown kty. */
export const jwkThumbprint = (jwk: Jwk): string | undefined => {
  const members: Record<string, string[]> = {
    EC: ['crv', 'kty', 'x', 'y'],
    RSA: ['e', 'kty', 'n'],
    OKP: ['crv', 'kty', 'x'],
  };
  const names = members[String(jwk.kty)];
  if (!names || names.some((n) => typeof jwk[n] !== 'string')) return undefined;
  const canonical = `{${names.map((n) => `${JSON.stringify(n)}:${JSON.stringify(jwk[n])}`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
};

const readJsonIfThere = (file: string): unknown => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};
const jsonFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
const keysOf = (value: unknown): Jwk[] => recordsOf(fieldOf(value, 'keys'));

/**
 * Every key the repository publishes (the demo server keys, the demo clients' private keys and the
 * demo partners' registered keys), by thumbprint: a production key set must contain none of them,
 * however it was copied or renamed.
 */
export const committedDemoThumbprints = (rootDir: string): Map<string, string> => {
  const found = new Map<string, string>();
  const add = (keys: Jwk[], where: string) => {
    for (const key of keys) {
      const thumbprint = jwkThumbprint(key);
      if (thumbprint) found.set(thumbprint, where);
    }
  };
  const demo = join(rootDir, DEMO_DIR);
  add(keysOf(readJsonIfThere(join(demo, 'keys', 'jwks.json'))), `${DEMO_DIR}/keys/jwks.json`);
  for (const file of jsonFiles(join(demo, 'client-private-keys'))) {
    add(keysOf(readJsonIfThere(join(demo, 'client-private-keys', file))), `${DEMO_DIR}/client-private-keys/${file}`);
  }
  for (const file of jsonFiles(join(demo, 'partners'))) {
    add(keysOf(fieldOf(readJsonIfThere(join(demo, 'partners', file)), 'jwks')), `${DEMO_DIR}/partners/${file}`);
  }
  const internalClients = readJsonIfThere(join(demo, 'internal-clients.json'));
  for (const [i, client] of (Array.isArray(internalClients) ? internalClients : []).entries()) {
    add(keysOf(fieldOf(client, 'jwks')), `${DEMO_DIR}/internal-clients.json [${i}]`);
  }
  return found;
};

/** The client ids the demo ships (partners and internal clients): none may be registered in production. */
export const committedDemoClientIds = (rootDir: string): Map<string, string> => {
  const ids = new Map<string, string>();
  const demo = join(rootDir, DEMO_DIR);
  for (const file of jsonFiles(join(demo, 'partners'))) {
    const id = stringField(readJsonIfThere(join(demo, 'partners', file)), 'client_id');
    if (id) ids.set(id, `${DEMO_DIR}/partners/${file}`);
  }
  const internalClients = readJsonIfThere(join(demo, 'internal-clients.json'));
  for (const client of Array.isArray(internalClients) ? internalClients : []) {
    const id = stringField(client, 'client_id');
    if (id) ids.set(id, `${DEMO_DIR}/internal-clients.json`);
  }
  return ids;
};

const FULL_DAY = (intervals: unknown) =>
  Array.isArray(intervals) &&
  intervals.some((i: { from?: string; to?: string }) => i.from === '00:00' && i.to === '24:00');

/** The trial calendar: every surface open around the clock on every kind of day. */
export const isAlwaysOpen = (calendar: CalendarConfig): boolean => {
  const surfaces = Object.values(calendar.hours).filter((days) => days !== undefined);
  return (
    surfaces.length > 0 &&
    surfaces.every((days) => Object.values(days).length > 0 && Object.values(days).every(FULL_DAY))
  );
};

export interface ProductionPieces {
  rootDir: string;
  env: Record<string, string | undefined>;
  settings: Settings;
  /** Shown names of the files. */
  settingsSource: string;
  keysFile: string;
  signingKeys: Jwk[];
  partners: { clientId: string; file: string; keys: Jwk[] }[];
  internalClients: { clientId: string; keys: Jwk[] }[];
  calendar: CalendarConfig;
  calendarFile: string;
}

const ENV_OF = { caFile: 'CORE_BANKING_CA_FILE', certFile: 'CORE_BANKING_CERT_FILE', keyFile: 'CORE_BANKING_KEY_FILE' };

const refuse = (file: string, problem: string): never => {
  throw new ConfigError(file, [`${problem} (NODE_ENV=production)`]);
};

/**
 * What NODE_ENV=production demands beyond a valid configuration: every required piece given
 * explicitly, and none of the committed demo pieces in use. Each is its own check; the first
 * failing one throws a ConfigError naming it. (The demo data switch and the demo key directory are
 * refused earlier by loadConfig itself; demo staff and the /demo routes by buildApp.)
 */
export const checkProductionPieces = (p: ProductionPieces): void => {
  const { settings, env } = p;
  const core = settings.coreBanking;

  // required pieces
  if (core.connector !== 'http' || !core.http.baseUrl)
    refuse(
      p.settingsSource,
      'coreBanking.connector: production needs the bank gateway (CORE_BANKING_CONNECTOR=http, CORE_BANKING_URL)',
    );
  if (!core.http.baseUrl!.startsWith('https:'))
    refuse(
      p.settingsSource,
      `coreBanking.http.baseUrl: the gateway needs https (mutual TLS), not ${new URL(core.http.baseUrl!).protocol}`,
    );
  for (const field of ['certFile', 'keyFile', 'caFile'] as const) {
    if (!core.http[field])
      refuse(p.settingsSource, `coreBanking.http.${field}: the gateway's mutual TLS needs it (${ENV_OF[field]})`);
  }
  if (!env.KEYS_DIR)
    refuse(
      p.settingsSource,
      'KEYS_DIR is not set: production keys must be named explicitly (npm run keys -- --out <dir>)',
    );
  if (!env.PARTNERS_DIR)
    refuse(p.settingsSource, 'PARTNERS_DIR is not set: production partners must be named explicitly');
  if (!env.CALENDAR_FILE)
    refuse(p.settingsSource, 'CALENDAR_FILE is not set: the service calendar must be named explicitly');
  if (!settings.server.issuer.startsWith('https:'))
    refuse(
      p.settingsSource,
      `server.issuer: must be an https URL in production, not ${settings.server.issuer} (ISSUER)`,
    );
  if (!settings.store.redisUrl && settings.store.redisClusterNodes.length === 0)
    refuse(
      p.settingsSource,
      'store: production needs Redis (REDIS_URL or REDIS_CLUSTER_NODES), not the embedded memory store',
    );

  for (const [limit, variable] of [
    ['pinCheck', 'PIN_CHECK_CONCURRENCY'],
    ['staffPassword', 'STAFF_PASSWORD_CONCURRENCY'],
  ] as const) {
    if (settings.admission[limit].concurrent === null)
      refuse(
        p.settingsSource,
        `admission.${limit}.concurrent: how many identity checks run at once must be set for the machine (${variable})`,
      );
  }

  if (!settings.records.databaseUrl)
    refuse(p.settingsSource, 'records: production keeps its records in PostgreSQL (DATABASE_URL), not in memory');

  const notices = settings.notices;
  if (notices.channel === 'outbox')
    refuse(
      p.settingsSource,
      'notices.channel: production sends customer notices by smtp or webhook (NOTICE_CHANNEL), not to the demo outbox',
    );
  if (notices.channel === 'webhook' && !notices.webhook.url)
    refuse(p.settingsSource, "notices.webhook.url: the bank's messaging system is not named (NOTICE_WEBHOOK_URL)");
  if (notices.channel === 'smtp' && !notices.smtp.host)
    refuse(p.settingsSource, 'notices.smtp.host: the mail server is not named (NOTICE_SMTP_HOST)');

  // demo pieces
  const demoKeys = committedDemoThumbprints(p.rootDir);
  for (const key of p.signingKeys) {
    const where = demoKeys.get(jwkThumbprint(key) ?? '');
    if (where)
      refuse(
        p.keysFile,
        `signing key "${String(key.kid)}" is a committed demo key (the key of ${where}, by its thumbprint)`,
      );
  }
  const demoIds = committedDemoClientIds(p.rootDir);
  for (const partner of p.partners) {
    const sameId = demoIds.get(partner.clientId);
    if (sameId) refuse(partner.file, `partner "${partner.clientId}" is the demo partner of ${sameId}`);
    for (const key of partner.keys) {
      const where = demoKeys.get(jwkThumbprint(key) ?? '');
      if (where)
        refuse(partner.file, `partner "${partner.clientId}" registers a committed demo key (the key of ${where})`);
    }
  }
  for (const client of p.internalClients) {
    const sameId = demoIds.get(client.clientId);
    if (sameId) refuse(p.settingsSource, `internal client "${client.clientId}" is a demo client of ${sameId}`);
    for (const key of client.keys) {
      const where = demoKeys.get(jwkThumbprint(key) ?? '');
      if (where)
        refuse(
          p.settingsSource,
          `internal client "${client.clientId}" registers a committed demo key (the key of ${where})`,
        );
    }
  }
  if (isAlwaysOpen(p.calendar))
    refuse(
      p.calendarFile,
      "every surface is open around the clock: that is the trial calendar, not the bank's service hours",
    );
};
