// npm run keys -- --out <dir>   generates a production key set (signing JWKS + shared secrets).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateServerKeySet } from '../keys/generate.ts';

const { values } = parseArgs({
  options: { out: { type: 'string', default: 'config/production/keys' }, force: { type: 'boolean', default: false } },
});
const out = values.out!;
if (existsSync(join(out, 'jwks.json')) && !values.force) {
  process.stderr.write(`${out}/jwks.json exists; pass --force to replace it (old tokens and cookies stop verifying)\n`);
  process.exit(1);
}
mkdirSync(out, { recursive: true, mode: 0o700 });
const set = await generateServerKeySet({ demo: false });
writeFileSync(join(out, 'jwks.json'), `${JSON.stringify(set.jwks, null, 2)}\n`, { mode: 0o600 });
writeFileSync(join(out, 'secrets.json'), `${JSON.stringify(set.secrets, null, 2)}\n`, { mode: 0o600 });
process.stdout.write(`wrote ${out}/jwks.json and ${out}/secrets.json; start with KEYS_DIR=${out}\n`);
