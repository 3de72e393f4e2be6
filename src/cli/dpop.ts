// npm run -s dpop -- GET <url> --key <private JWK file> --token=<access token> [--nonce=N | --probe] [--iat S]
// Prints a fresh DPoP proof (RFC 9449) for one request, for curl:
//   curl -H "Authorization: DPoP $AT" -H "DPoP: $(npm run -s dpop -- GET "$URL" --key key.json --token="$AT")" "$URL"
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { FromSchema } from 'json-schema-to-ts';
import { createDpopProof, dpopAlgFor } from '../demo-partner/dpop-proof.ts';
import { createAjv } from '../shared/json-schema.ts';
import { messageOf } from '../shared/thrown.ts';
import { fieldOf, recordsOf } from '../shared/unknown-json.ts';

/** A private JWK, as much of it as the proof needs checked: the other members go to jose as they are. */
const privateJwkSchema = {
  type: 'object',
  required: ['d'],
  properties: {
    kty: { type: 'string' },
    crv: { type: 'string' },
    alg: { type: 'string' },
    kid: { type: 'string' },
    d: { type: 'string', minLength: 1 },
  },
} as const;
const isPrivateJwk = createAjv().compile<FromSchema<typeof privateJwkSchema>>(privateJwkSchema);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    key: { type: 'string' },
    token: { type: 'string' },
    nonce: { type: 'string' },
    probe: { type: 'boolean', default: false },
    iat: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

const usage = `usage: npm run -s dpop -- <METHOD> <url> --key <private JWK or JWKS file> [--token <access token>]
                                  [--nonce=<DPoP-Nonce> | --probe] [--iat <seconds since epoch>]
Prints one DPoP proof on standard output; hints on standard error.
  --token   the access token the proof is for (sets ath); leave out for the token endpoint.
            Write --token=<value>: a token may begin with "-"
  --nonce   the server's nonce, from the DPoP-Nonce header of its last answer
            Write --nonce=<value>: a nonce, too, may begin with "-"
  --probe   send the request once to learn the server's nonce and clock, then print a fresh proof
  --iat     the proof's issue time (default: now, corrected by the server's Date with --probe)
A proof is good for one request, within the server's iat window (60 s by default): make it just before curl.`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${usage}\n`);
  process.exit(2);
};

if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [method, url] = positionals;
if (!method || !url || positionals.length !== 2) fail('a method and a URL are needed');
if (!/^[A-Z]+$/.test(method)) fail(`not an HTTP method: ${method}`);
let target: URL;
try {
  target = new URL(url);
} catch {
  fail(`not an absolute URL: ${url}`);
}
if (!values.key) fail('--key is needed');
if (values.nonce && values.probe) fail('--nonce and --probe do not go together');

// A JWK, or a JWKS: its first key with a private part.
const parsed: unknown = JSON.parse(readFileSync(values.key!, 'utf8'));
const keys = fieldOf(parsed, 'keys');
const jwk = (Array.isArray(keys) ? recordsOf(keys) : [parsed]).find((k) => isPrivateJwk(k));
if (!jwk) fail(`${values.key} holds no private key (a JWK with "d")`);
try {
  dpopAlgFor(jwk!);
} catch (e) {
  fail(messageOf(e));
}

const token = values.token;
let iat = values.iat ? Number(values.iat) : undefined;
if (iat !== undefined && !Number.isInteger(iat)) fail('--iat takes whole seconds since the epoch');
let nonce = values.nonce;

if (values.probe) {
  const probe = await fetch(target!, {
    method,
    headers: {
      ...(token ? { authorization: `DPoP ${token}` } : {}),
      dpop: await createDpopProof({ jwk: jwk!, htm: method, htu: target!, accessToken: token, iat }),
      accept: 'application/json',
    },
    redirect: 'manual',
  });
  await probe.arrayBuffer();
  nonce = probe.headers.get('dpop-nonce') ?? undefined;
  const serverDate = Date.parse(probe.headers.get('date') ?? '');
  if (iat === undefined && Number.isFinite(serverDate)) {
    const skew = Math.round((serverDate - Date.now()) / 1000);
    if (Math.abs(skew) > 5) {
      iat = Math.floor(Date.now() / 1000) + skew;
      process.stderr.write(`this machine's clock is ${-skew} s off the server's: the proof uses the server's time\n`);
    }
  }
  process.stderr.write(`probe: ${probe.status}${nonce ? ', the server gave a nonce' : ''}\n`);
}

const proof = await createDpopProof({ jwk: jwk!, htm: method, htu: target!, accessToken: token, nonce, iat });
process.stdout.write(`${proof}\n`);
if (process.stderr.isTTY)
  process.stderr.write(
    `one request, within the server's iat window (about 60 s). A 401 with error="use_dpop_nonce" means: ` +
      `run again with --nonce=<its DPoP-Nonce header> or --probe.\n`,
  );
