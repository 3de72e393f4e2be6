import { importJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { createPartnerClient } from '../../src/demo-partner/partner-client.ts';
import { demoPrivateJwk } from './demo.ts';
import type { TestServer } from './server.ts';

export const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** private_key_jwt client authentication with a demo client's committed key. */
export const privateKeyJwt = async (clientId: string) =>
  oauth.PrivateKeyJwt({ key: (await importJWK(demoPrivateJwk(clientId), 'ES256')) as oauth.PrivateKey['key'] });

/** The bank's demo resource server, which may introspect tokens. */
export const introspector = async (server: TestServer, clientId = 'bank-resource-server') => {
  const rs = await createPartnerClient({
    issuer: server.url,
    clientId,
    privateJwk: demoPrivateJwk(clientId) as never,
    redirectUri: 'https://unused.invalid/',
    allowHttp: true,
  });
  const auth = await privateKeyJwt(clientId);
  return async (token: string) =>
    oauth.processIntrospectionResponse(
      rs.as,
      rs.client,
      await oauth.introspectionRequest(rs.as, rs.client, auth, token, insecure),
    );
};
