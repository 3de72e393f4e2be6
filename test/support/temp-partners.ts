import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';

export interface TempPartner {
  clientId: string;
  redirectUri: string;
  /** The partner's private signing JWK (kid, alg), for createPartnerClient. */
  privateJwk: Record<string, unknown> & { kid: string; alg: string };
  file: string;
}

/** A fresh ES256 key pair for a partner: the private JWK to sign with, the public one for its file. */
export const partnerKeyPair = async (kid: string) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const common = { kid, alg: 'ES256', use: 'sig' };
  return {
    privateJwk: { ...(await exportJWK(privateKey)), ...common },
    publicJwk: { ...(await exportJWK(publicKey)), ...common },
  };
};

/** A temporary PARTNERS_DIR; remove() deletes it with its files. */
export const tempPartnersDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'test-partners-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/**
 * Writes a valid partner file (a FAPI 2.0 partner with its own fresh key) into `dir`; `fields`
 * replace or add top-level fields of the file.
 */
export const writePartnerFile = async (
  dir: string,
  clientId: string,
  fields: Record<string, unknown> = {},
): Promise<TempPartner> => {
  const redirectUri = `https://${clientId}.example/callback`;
  const keys = await partnerKeyPair(`${clientId}-key`);
  const file = join(dir, `${clientId}.json`);
  const definition = {
    client_id: clientId,
    name: { ja: `テスト事業者 ${clientId}`, en: `Test partner ${clientId}` },
    redirect_uris: [redirectUri],
    jwks: { keys: [keys.publicJwk] },
    token_endpoint_auth_method: 'private_key_jwt',
    scopes: ['openid', 'offline_access', 'accounts', 'deposits', 'time_deposits'],
    account_types: ['ordinary', 'savings', 'card_deposit', 'card_loan', 'tax_reserve', 'time_deposit'],
    status: 'active',
    profile: 'fapi2',
    ...fields,
  };
  writeFileSync(file, JSON.stringify(definition, null, 2));
  return { clientId, redirectUri, privateJwk: keys.privateJwk, file };
};
