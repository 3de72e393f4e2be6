import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { SchemaObject, ValidateFunction } from 'ajv';
import { createAjv } from '../shared/json-schema.ts';
import { codeOf, messageOf } from '../shared/thrown.ts';
import { fieldOf, recordsOf } from '../shared/unknown-json.ts';
import { partnerSchema, type Partner, type PartnerDefinition } from '../partners/schema.ts';
import { ConfigError } from './config-error.ts';
import { checkProductionPieces } from './production-checks.ts';
import {
  internalClientSchema,
  retiredKeysSchema,
  secretsSchema,
  settingsSchema,
  signingKeysSchema,
  termsSchema,
  type InternalClient,
  type RetiredKeys,
  type Secrets,
  type Settings,
  type SigningKeys,
  type TermsConfig,
} from './schema.ts';
import { calendarConfigSchema, type CalendarConfig } from '../calendar/index.ts';
import { demoCoreBankingSchema, type DemoCoreBankingData } from '../core-banking/demo/index.ts';
import { coreBankingSettingsSchema } from '../core-banking/http/settings-schema.ts';
import { noticesSettingsSchema } from '../notifier/settings-schema.ts';

const NOTICE_CHANNELS = noticesSettingsSchema.properties.channel.enum;
const CONNECTORS = coreBankingSettingsSchema.properties.connector.enum;

export type RuntimeEnv = 'production' | 'development' | 'test';

export interface TermsVersion {
  version: string;
  effectiveFrom: string;
  requiresReconsent: boolean;
  text: string;
  changeSummary?: { ja?: string; en?: string };
}

export interface DemoData {
  coreBanking: DemoCoreBankingData;
  /** Private keys the embedded demo partner app and demo internal clients sign with. */
  privateKeys: Record<string, { keys: Record<string, unknown>[] }>;
}

export interface Config {
  runtimeEnv: RuntimeEnv;
  rootDir: string;
  settings: Settings;
  signingKeys: SigningKeys;
  /** Retired checkpoint-signing keys, public halves (keys dir's checkpoint-keys.json), for audit:verify. */
  retiredCheckpointKeys: RetiredKeys;
  secrets: Secrets;
  usesDemoKeys: boolean;
  partners: PartnerDefinition[];
  internalClients: InternalClient[];
  terms: TermsVersion[];
  calendar: CalendarConfig;
  demo?: DemoData;
  /** PEM contents for the HTTP core-banking connector's mutual TLS (coreBanking.http.*File). */
  coreBankingTls: { ca?: string; cert?: string; key?: string };
}

export type EnvSource = Record<string, string | undefined>;

/**
 * Reads every configuration file and the environment overrides, validates them, and answers one
 * frozen Config — the only place in the program that looks at the environment. Any problem throws
 * a ConfigError naming the file, the field and what is wrong.
 */
export const loadConfig = (env: EnvSource, rootDir = process.cwd()): Config => {
  const ajv = createAjv();
  // Each validator's type is the one derived from its schema (FromSchema, in schema.ts and beside each schema).
  const compile = <T>(schema: SchemaObject) => ajv.compile<T>(schema);
  const check = {
    internalClient: compile<InternalClient>(internalClientSchema),
    settings: compile<Settings>(settingsSchema),
    signingKeys: compile<SigningKeys>(signingKeysSchema),
    secrets: compile<Secrets>(secretsSchema),
    retiredKeys: compile<RetiredKeys>(retiredKeysSchema),
    demoCoreBanking: compile<DemoCoreBankingData>(demoCoreBankingSchema),
    partner: compile<Partner>(partnerSchema),
    terms: compile<TermsConfig>(termsSchema),
    calendar: compile<CalendarConfig>(calendarConfigSchema),
  };
  const at = (p: string) => (isAbsolute(p) ? p : join(rootDir, p));
  // Only absolute paths are made relative: a name already shown ("a.json + ../b.json") must stay as it is.
  const show = (p: string) => (isAbsolute(p) ? relative(rootDir, p) || p : p);
  const readJson = (file: string): unknown => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(show(file), [`cannot read the file (${codeOf(e)})`]);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ConfigError(show(file), [`not valid JSON: ${messageOf(e)}`]);
    }
  };
  const validated = <T>(validate: ValidateFunction<T>, data: unknown, file: string): T => {
    if (!validate(data)) throw ConfigError.fromAjv(show(file), validate.errors);
    return data;
  };

  const runtimeEnv: RuntimeEnv =
    env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';

  // settings: config/default.json, then the overlay file, then environment variables
  const defaultFile = at('config/default.json');
  const base = existsSync(defaultFile) ? readJson(defaultFile) : {};
  const overlayFile = env.CONFIG_FILE ? at(env.CONFIG_FILE) : undefined;
  const overlay = overlayFile ? readJson(overlayFile) : {};
  const merged = deepMerge(base, overlay);
  const settingsSource = overlayFile ? `${show(defaultFile)} + ${show(overlayFile)}` : show(defaultFile);
  const settings = validated(check.settings, merged, settingsSource);
  const overridden = `${settingsSource} with environment overrides`;
  applyEnvOverrides(settings, env, runtimeEnv, overridden);
  validated(check.settings, settings, overridden);

  if (runtimeEnv === 'production' && settings.demo.enabled) {
    throw new ConfigError(show(join(at(settings.demo.dir), 'core-banking.json')), [
      'the demo data file (demo customers, partners and staff) is switched on: unset DEMO_DATA (NODE_ENV=production)',
    ]);
  }

  // keys
  const keysDir = at(settings.keysDir);
  const signingKeys = validated(check.signingKeys, readJson(join(keysDir, 'jwks.json')), join(keysDir, 'jwks.json'));
  const secrets = validated(check.secrets, readJson(join(keysDir, 'secrets.json')), join(keysDir, 'secrets.json'));
  const retiredFile = join(keysDir, 'checkpoint-keys.json');
  const retiredCheckpointKeys = existsSync(retiredFile)
    ? validated(check.retiredKeys, readJson(retiredFile), retiredFile)
    : { keys: [] };
  const checkpointKid = settings.audit.checkpointKeyId;
  if (checkpointKid && !signingKeys.keys.some((k) => k.kid === checkpointKid)) {
    throw new ConfigError(settingsSource, [
      `audit.checkpointKeyId: no key with kid "${checkpointKid}" in ${show(join(keysDir, 'jwks.json'))}`,
    ]);
  }
  const usesDemoKeys = secrets.demo === true || resolve(keysDir).startsWith(resolve(at('config/demo')));
  if (runtimeEnv === 'production' && usesDemoKeys) {
    throw new ConfigError(show(keysDir), [
      'these are the committed demo keys, which anyone can read: refusing to start with NODE_ENV=production.',
      'Generate a production set with `npm run keys -- --out <dir>` and point KEYS_DIR (or "keysDir") at it.',
    ]);
  }

  // demo data (core banking, demo partner, demo internal clients)
  let demo: DemoData | undefined;
  const partnerDirs = settings.partnersDirs.map(at);
  let internalClients: InternalClient[] = [...settings.internalClients];
  if (settings.demo.enabled) {
    const demoDir = at(settings.demo.dir);
    const coreFile = join(demoDir, 'core-banking.json');
    const coreBanking = validated(check.demoCoreBanking, readJson(coreFile), coreFile);
    const privateKeys: DemoData['privateKeys'] = {};
    const keyDir = join(demoDir, 'client-private-keys');
    for (const file of jsonFiles(keyDir))
      privateKeys[file.replace(/\.json$/, '')] = { keys: recordsOf(fieldOf(readJson(join(keyDir, file)), 'keys')) };
    partnerDirs.unshift(join(demoDir, 'partners'));
    const internalFile = join(demoDir, 'internal-clients.json');
    const demoInternal = readJson(internalFile);
    if (!Array.isArray(demoInternal))
      throw new ConfigError(show(internalFile), ['(top level): must be an array of internal clients']);
    internalClients = [
      ...internalClients,
      ...demoInternal.map((c, i) => validated(check.internalClient, c, `${show(internalFile)} [${i}]`)),
    ];
    demo = { coreBanking, privateKeys };
  }
  const http = settings.coreBanking.http;
  if (settings.coreBanking.connector === 'http' && !http.baseUrl) {
    throw new ConfigError(settingsSource, [
      'coreBanking.http.baseUrl: the HTTP connector needs the gateway URL (CORE_BANKING_URL)',
    ]);
  }
  const readPem = (file: string | null | undefined, field: string): string | undefined => {
    if (!file || settings.coreBanking.connector !== 'http') return undefined;
    try {
      return readFileSync(at(file), 'utf8');
    } catch (e) {
      throw new ConfigError(settingsSource, [`coreBanking.http.${field}: cannot read ${file} (${codeOf(e)})`]);
    }
  };
  const coreBankingTls = {
    ca: readPem(http.caFile, 'caFile'),
    cert: readPem(http.certFile, 'certFile'),
    key: readPem(http.keyFile, 'keyFile'),
  };

  const loadedPartners = loadPartners(
    partnerDirs,
    readJson,
    (data, file) => validated(check.partner, data, show(file)),
    show,
  );
  // The demo partners come back to this server, whatever its issuer: show and allow that URI, not the file's.
  const demoPartnerDir = settings.demo.enabled ? resolve(at(settings.demo.dir), 'partners') : undefined;
  const partners = loadedPartners.map((d) =>
    demoPartnerDir && resolve(at(d.file)).startsWith(demoPartnerDir)
      ? { ...d, partner: { ...d.partner, redirect_uris: [`${settings.server.issuer}/demo/callback`] } }
      : d,
  );
  // Without the proxy's certificate header such a partner could never authenticate: say so at start.
  const needsMtls = settings.mtls.enabled
    ? undefined
    : partners.find((p) => p.partner.token_endpoint_auth_method !== 'private_key_jwt');
  if (needsMtls) {
    throw new ConfigError(needsMtls.file, [
      `token_endpoint_auth_method: "${needsMtls.partner.token_endpoint_auth_method}" needs mTLS, which is off: set ` +
        `mtls.enabled (MTLS_ENABLED=true) or use "private_key_jwt"`,
    ]);
  }
  const seen = new Set(partners.map((p) => p.partner.client_id));
  for (const c of internalClients) {
    if (seen.has(c.client_id))
      throw new ConfigError('internal clients', [`client_id "${c.client_id}" is also a partner's client_id`]);
  }

  // Version texts are named relative to the terms file (TERMS_FILE names another one, e.g. in tests).
  const termsFile = at(env.TERMS_FILE ?? 'config/terms.json');
  const termsConfig = validated(check.terms, readJson(termsFile), termsFile);
  const terms = termsConfig.versions.map((v) => {
    const textFile = join(dirname(termsFile), v.file);
    if (!existsSync(textFile))
      throw new ConfigError(show(termsFile), [
        `versions: the text file "${v.file}" of version ${v.version} does not exist`,
      ]);
    return {
      version: v.version,
      effectiveFrom: v.effectiveFrom,
      requiresReconsent: v.requiresReconsent,
      changeSummary: v.changeSummary,
      text: readFileSync(textFile, 'utf8'),
    };
  });

  // A trial runs at any hour: with demo data and no calendar named, every surface is open.
  const defaultCalendar = settings.demo.enabled
    ? join(settings.demo.dir, 'calendar-always-open.json')
    : 'config/calendar.json';
  const calendarFile = at(env.CALENDAR_FILE ?? defaultCalendar);
  const calendar = validated(check.calendar, readJson(calendarFile), calendarFile);

  if (runtimeEnv === 'production') {
    checkProductionPieces({
      rootDir,
      env,
      settings,
      settingsSource,
      keysFile: show(join(keysDir, 'jwks.json')),
      signingKeys: signingKeys.keys,
      partners: partners.map((p) => ({
        clientId: p.partner.client_id,
        file: p.file,
        keys: p.partner.jwks?.keys ?? [],
      })),
      internalClients: internalClients.map((c) => ({
        clientId: c.client_id,
        keys: c.jwks.keys,
      })),
      calendar,
      calendarFile: show(calendarFile),
    });
  }

  return deepFreeze({
    runtimeEnv,
    rootDir,
    settings,
    signingKeys,
    retiredCheckpointKeys,
    secrets,
    usesDemoKeys,
    partners,
    internalClients,
    terms,
    calendar,
    demo,
    coreBankingTls,
  });
};

const jsonFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];

const loadPartners = (
  dirs: string[],
  readJson: (file: string) => unknown,
  validate: (data: unknown, file: string) => Partner,
  show: (p: string) => string,
): PartnerDefinition[] => {
  const byId = new Map<string, PartnerDefinition>();
  for (const dir of dirs) {
    for (const name of jsonFiles(dir)) {
      const file = join(dir, name);
      const partner = validate(readJson(file), file);
      const earlier = byId.get(partner.client_id);
      if (earlier)
        throw new ConfigError(show(file), [
          `client_id: "${partner.client_id}" is already defined in ${show(earlier.file)}`,
        ]);
      byId.set(partner.client_id, { partner, file: show(file) });
    }
  }
  return [...byId.values()];
};

/** The shipped issuer (the schema's default, as config/default.json has it). */
const DEFAULT_LOCAL_ISSUER = settingsSchema.properties.server.properties.issuer.default;

/**
 * A variable that names one of a setting's values (its schema's enum), refused as the settings'
 * validation after the overrides would refuse it.
 */
const oneOf = <T extends string>(value: string, allowed: readonly T[], field: string, source: string): T => {
  const found = allowed.find((v) => v === value);
  if (found !== undefined) return found;
  throw new ConfigError(source, [`${field}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`]);
};

const applyEnvOverrides = (settings: Settings, env: EnvSource, runtimeEnv: RuntimeEnv, source: string) => {
  const s = settings;
  if (env.PORT !== undefined) s.server.port = Number(env.PORT);
  if (env.ISSUER) s.server.issuer = env.ISSUER;
  // `PORT=3001 npm start` on a workstation: the shipped issuer follows the port, or every redirect,
  // discovery URL and the console would point at port 3000. Any issuer set on purpose stays.
  else if (env.PORT !== undefined && s.server.issuer === DEFAULT_LOCAL_ISSUER)
    s.server.issuer = `http://localhost:${s.server.port}`;
  if (env.TRUST_PROXY) s.server.trustProxy = env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1';
  if (env.INSTANCE_NAME) s.server.instanceName = env.INSTANCE_NAME;
  if (env.REDIS_URL) s.store.redisUrl = env.REDIS_URL;
  if (env.REDIS_CLUSTER_NODES)
    s.store.redisClusterNodes = env.REDIS_CLUSTER_NODES.split(',')
      .map((n) => n.trim())
      .filter(Boolean);
  if (env.REDIS_KEY_PREFIX) s.store.keyPrefix = env.REDIS_KEY_PREFIX;
  if (env.DATABASE_URL) s.records.databaseUrl = env.DATABASE_URL;
  if (env.DATABASE_OWNER_URL) s.records.ownerUrl = env.DATABASE_OWNER_URL;
  if (env.DATABASE_MIGRATE_AT_START)
    s.records.migrateAtStart = env.DATABASE_MIGRATE_AT_START === 'true' || env.DATABASE_MIGRATE_AT_START === '1';
  if (env.KEYS_DIR) s.keysDir = env.KEYS_DIR;
  if (env.PARTNERS_DIR) s.partnersDirs = [...s.partnersDirs, ...env.PARTNERS_DIR.split(':').filter(Boolean)];
  if (env.DEMO_DATA) s.demo.enabled = env.DEMO_DATA === 'on' || env.DEMO_DATA === 'true';
  else if (runtimeEnv === 'production') s.demo.enabled = false;
  if (env.MTLS_ENABLED) s.mtls.enabled = env.MTLS_ENABLED === 'true' || env.MTLS_ENABLED === '1';
  if (env.DPOP_REQUIRE_NONCE) s.dpop.requireNonce = env.DPOP_REQUIRE_NONCE === 'true' || env.DPOP_REQUIRE_NONCE === '1';
  if (env.METRICS_TOKEN) s.ops.metricsToken = env.METRICS_TOKEN;
  if (env.NOTICE_CHANNEL) s.notices.channel = oneOf(env.NOTICE_CHANNEL, NOTICE_CHANNELS, 'notices.channel', source);
  if (env.NOTICE_SMTP_HOST) s.notices.smtp.host = env.NOTICE_SMTP_HOST;
  if (env.NOTICE_SMTP_PORT) s.notices.smtp.port = Number(env.NOTICE_SMTP_PORT);
  if (env.NOTICE_SMTP_USER) s.notices.smtp.user = env.NOTICE_SMTP_USER;
  if (env.NOTICE_SMTP_PASSWORD) s.notices.smtp.password = env.NOTICE_SMTP_PASSWORD;
  if (env.NOTICE_SMTP_FROM) s.notices.smtp.from = env.NOTICE_SMTP_FROM;
  if (env.NOTICE_SMTP_CA_FILE) s.notices.smtp.caFile = env.NOTICE_SMTP_CA_FILE;
  if (env.NOTICE_WEBHOOK_URL) s.notices.webhook.url = env.NOTICE_WEBHOOK_URL;
  if (env.CORE_BANKING_CONNECTOR)
    s.coreBanking.connector = oneOf(env.CORE_BANKING_CONNECTOR, CONNECTORS, 'coreBanking.connector', source);
  if (env.CORE_BANKING_URL) s.coreBanking.http.baseUrl = env.CORE_BANKING_URL;
  if (env.CORE_BANKING_CA_FILE) s.coreBanking.http.caFile = env.CORE_BANKING_CA_FILE;
  if (env.CORE_BANKING_CERT_FILE) s.coreBanking.http.certFile = env.CORE_BANKING_CERT_FILE;
  if (env.CORE_BANKING_KEY_FILE) s.coreBanking.http.keyFile = env.CORE_BANKING_KEY_FILE;
  if (env.PIN_CHECK_CONCURRENCY) s.admission.pinCheck.concurrent = Number(env.PIN_CHECK_CONCURRENCY);
  if (env.STAFF_PASSWORD_CONCURRENCY) s.admission.staffPassword.concurrent = Number(env.STAFF_PASSWORD_CONCURRENCY);
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const deepMerge = (a: unknown, b: unknown): unknown => {
  if (!isPlainObject(a) || !isPlainObject(b)) return b === undefined ? a : b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = deepMerge(a[k], v);
  return out;
};

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};
