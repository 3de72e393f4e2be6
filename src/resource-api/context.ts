import type { Account } from '../core-banking/port.ts';

/** The access token's stored payload (oidc-provider's opaque AccessToken) — the fields we use. */
export interface AccessTokenPayload {
  jti: string;
  kind: 'AccessToken';
  exp: number;
  iat: number;
  accountId: string;
  clientId: string;
  grantId: string;
  aud?: string | string[];
  scope?: string;
  jkt?: string;
  'x5t#S256'?: string;
  extra?: { accounts?: string[]; grant_exp?: number; customer?: string };
}

/** What the checks establish about a data call, on ctx.state.resource. */
export interface ResourceRequest {
  token: string;
  scheme: 'DPoP' | 'Bearer';
  payload: AccessTokenPayload;
  /** Account ids the grant covers (copied onto the token at issuance). */
  accountIds: string[];
  /** The covered account this call is about, when the route names one. */
  account?: Account;
  route: string;
}
