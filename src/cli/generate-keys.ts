// npm run keys -- --out <dir>            a new production key set (signing JWKS + shared secrets)
// npm run keys -- --out <dir> --rotate   step 1 of a rotation; then --promote, then --retire (docs/operations.md)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FromSchema } from 'json-schema-to-ts';
import { ConfigError } from '../config/config-error.ts';
import {
  freshDirectory,
  newPairwiseSalt,
  PAIRWISE_SALT_WARNING,
  promote,
  replaceAll,
  retireOld,
  stage,
  type KeyDirectory,
} from '../keys/rotation.ts';
import { createAjv, type ValidateFunction } from '../shared/json-schema.ts';
import { messageOf } from '../shared/thrown.ts';
import { stringField } from '../shared/unknown-json.ts';

// The files of a keys directory as this command writes them: what it needs of each, other members kept.
const keySetSchema = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kid', 'alg'],
        properties: { kid: { type: 'string' }, alg: { type: 'string' } },
      },
    },
  },
} as const;
const secretsFileSchema = {
  type: 'object',
  required: ['cookieKeys', 'dpopNonceSecret', 'pairwiseSalt'],
  properties: {
    cookieKeys: { type: 'array', items: { type: 'string' } },
    dpopNonceSecret: { type: 'string' },
    pairwiseSalt: { type: 'string', minLength: 1 },
  },
} as const;
const rotationSchema = {
  type: 'object',
  required: ['staged'],
  properties: { staged: { type: 'array', items: { type: 'string' } } },
} as const;
type KeySetFile = FromSchema<typeof keySetSchema>;
type SecretsFile = FromSchema<typeof secretsFileSchema>;
type RotationFile = FromSchema<typeof rotationSchema>;

const ajv = createAjv();
const validateKeySet = ajv.compile<KeySetFile>(keySetSchema);
const validateSecrets = ajv.compile<SecretsFile>(secretsFileSchema);
const validateRotation = ajv.compile<RotationFile>(rotationSchema);

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'config/production/keys' },
    rotate: { type: 'boolean', default: false },
    promote: { type: 'boolean', default: false },
    retire: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'new-pairwise-salt': { type: 'boolean', default: false },
  },
});
const out = values.out!;
const files = {
  jwks: join(out, 'jwks.json'),
  secrets: join(out, 'secrets.json'),
  checkpointKeys: join(out, 'checkpoint-keys.json'),
  rotation: join(out, 'rotation.json'),
};
const say = (text: string) => process.stdout.write(`${text}\n`);
const refuse = (text: string): never => {
  process.stderr.write(`${text}\n`);
  process.exit(1);
};
/** A file of the directory, checked against its schema; `fallback` when it does not exist. */
const readJson = <T, F = T>(file: string, validate: ValidateFunction<T>, fallback: F): T | F => {
  if (!existsSync(file)) return fallback;
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return validate(data) ? data : refuse(ConfigError.fromAjv(file, validate.errors).oneLine());
};
const write = (dir: KeyDirectory) => {
  mkdirSync(out, { recursive: true, mode: 0o700 });
  writeFileSync(files.jwks, `${JSON.stringify(dir.jwks, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(files.secrets, `${JSON.stringify(dir.secrets, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(files.checkpointKeys, `${JSON.stringify(dir.checkpointKeys, null, 2)}\n`, { mode: 0o644 });
  writeFileSync(files.rotation, `${JSON.stringify(dir.rotation, null, 2)}\n`, { mode: 0o600 });
};

const steps = [values.rotate, values.promote, values.retire, values.force].filter(Boolean).length;
if (steps > 1) refuse('one of --rotate, --promote, --retire, --force at a time');

if (!existsSync(files.jwks)) {
  if (values.rotate || values.promote || values.retire) refuse(`${files.jwks} does not exist: nothing to rotate`);
  write(await freshDirectory());
  say(`wrote a new key set in ${out}; start every instance with KEYS_DIR=${out}`);
  process.exit(0);
}

const readSecrets = (): SecretsFile => {
  const data: unknown = existsSync(files.secrets) ? JSON.parse(readFileSync(files.secrets, 'utf8')) : undefined;
  if (validateSecrets(data)) return data;
  return refuse(
    stringField(data, 'pairwiseSalt')
      ? ConfigError.fromAjv(files.secrets, validateSecrets.errors).oneLine()
      : `${files.secrets} is missing or has no pairwiseSalt`,
  );
};

const current: KeyDirectory = {
  jwks: readJson(files.jwks, validateKeySet, { keys: [] }),
  secrets: readSecrets(),
  checkpointKeys: readJson(files.checkpointKeys, validateKeySet, { keys: [] }),
  rotation: readJson(files.rotation, validateRotation, { staged: [] }),
};

try {
  if (values.rotate) {
    const next = await stage(current);
    write(next);
    say(
      `step 1 done: new signing keys ${next.rotation.staged.join(', ')} are published at /jwks but do not sign yet; ` +
        'a new cookie key signs new cookies (old ones still verify); a new DPoP nonce secret. ' +
        'Copy the directory to every instance and restart them. When partners have fetched the new /jwks ' +
        '(a day at least), run --promote.',
    );
  } else if (values.promote) {
    write(promote(current));
    say(
      'step 2 done: the new keys sign ID tokens, partner events and audit checkpoints; the old keys stay published. ' +
        'Roll out to every instance. When what the old keys signed has expired, run --retire.',
    );
  } else if (values.retire) {
    const next = retireOld(current);
    write(next);
    say(
      `step 3 done: old signing keys and cookie keys removed; ${next.checkpointKeys.keys.length} retired key(s) ` +
        `kept in ${files.checkpointKeys} so that audit:verify still checks old checkpoints.`,
    );
  } else if (values.force) {
    const next = await replaceAll(current, { newPairwiseSalt: values['new-pairwise-salt']! });
    write(next);
    say(
      'replaced every rotating key at once: ID tokens and partner events signed before no longer verify at /jwks, ' +
        'every cookie (customers in a flow, /my and staff sessions) and every DPoP nonce is refused; ' +
        'access and refresh tokens keep working (they are not signed). Old signing keys are kept, public only, ' +
        `in ${files.checkpointKeys} for audit:verify.`,
    );
    if (values['new-pairwise-salt']) say(`AND a new pairwise salt. ${PAIRWISE_SALT_WARNING}`);
    else say("The pairwise salt was kept (partners' `sub` values do not change).");
  } else if (values['new-pairwise-salt']) {
    write(newPairwiseSalt(current));
    say(`a new pairwise salt. ${PAIRWISE_SALT_WARNING}`);
  } else {
    refuse(
      `${files.jwks} exists. To rotate safely: --rotate, later --promote, later --retire (docs/operations.md). ` +
        '--force replaces every rotating key at once (ID tokens, cookies and DPoP nonces stop verifying) but keeps ' +
        "the pairwise salt; changing the salt needs --new-pairwise-salt as well, and changes every partner's `sub`.",
    );
  }
} catch (e) {
  refuse(messageOf(e));
}
