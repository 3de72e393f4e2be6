import * as oauth from 'oauth4webapi';
import { createPartnerClient } from '../../../src/demo-partner/partner-client.ts';
import { demoPrivateJwk } from '../../support/demo.ts';
import { insecure, privateKeyJwt } from '../../support/internal-clients.ts';
import type { TestServer } from '../../support/server.ts';

/** The demo bank system's token request: client credentials for the admin API's resource indicator. */
export const requestAdminToken = async (
  server: TestServer,
  options: { scope?: string; clientId?: string; resource?: string } = {},
) => {
  const clientId = options.clientId ?? 'bank-admin-system';
  const c = await createPartnerClient({
    issuer: server.url,
    clientId,
    privateJwk: demoPrivateJwk(clientId) as never,
    redirectUri: 'https://unused.invalid/',
    allowHttp: true,
  });
  const params = new URLSearchParams({
    scope: options.scope ?? 'admin:read admin:write',
    resource: options.resource ?? `${server.url}/admin/api/v1`,
  });
  const response = await oauth.clientCredentialsGrantRequest(
    c.as,
    c.client,
    await privateKeyJwt(clientId),
    params,
    insecure,
  );
  return oauth.processClientCredentialsResponse(c.as, c.client, response);
};

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body; each test reads the fields it checks
  body: any;
  text: string;
}

/** Calls the admin API with a bearer token; JSON bodies in and (when JSON) out. */
export const adminApi =
  (server: TestServer, token: string | undefined) =>
  async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
    const res = await fetch(`${server.url}/admin/api/v1${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
