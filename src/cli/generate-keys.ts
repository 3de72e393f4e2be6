// npm run keys -- --out <dir>            a new production key set (signing JWKS + shared secrets)
// npm run keys -- --out <dir> --rotate   step 1 of a rotation; then --promote, then --retire (docs/operations.md)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
const readJson = <T>(file: string, fallback: T): T =>
  existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : fallback;
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

const current: KeyDirectory = {
  jwks: readJson(files.jwks, { keys: [] }),
  secrets: readJson(files.secrets, undefined as never),
  checkpointKeys: readJson(files.checkpointKeys, { keys: [] }),
  rotation: readJson(files.rotation, { staged: [] }),
};
if (!current.secrets?.pairwiseSalt) refuse(`${files.secrets} is missing or has no pairwiseSalt`);

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
  refuse((e as Error).message);
}
