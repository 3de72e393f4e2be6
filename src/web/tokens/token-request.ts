import type { ResourceError } from '../errors.ts';
import type { VerifiedProof } from './dpop-verifier.ts';

/** What every access token this server issues carries, whichever model oidc-provider stored it as. */
export interface TokenPayload {
  jti: string;
  exp: number;
  clientId: string;
  aud?: string | string[];
  scope?: string;
  /** The DPoP key the token is bound to (RFC 9449). */
  jkt?: string;
  /** The client certificate the token is bound to (RFC 8705). */
  'x5t#S256'?: string;
}

/** A partner's access token (oidc-provider's opaque AccessToken), with what was copied onto it at issuance. */
export interface AccessTokenPayload extends TokenPayload {
  kind: 'AccessToken';
  iat: number;
  accountId: string;
  grantId: string;
  /** `customer`: the customer number, for the audit trail (the token is opaque; only bank servers introspect). */
  extra?: { accounts?: string[]; grant_exp?: number; customer?: string };
}

/** A client-credentials access token of one of the bank's own systems (its `ClientCredentials` model). */
export interface ClientCredentialsPayload extends TokenPayload {
  kind: 'ClientCredentials';
}

export type Scheme = 'DPoP' | 'Bearer';

/** The scheme a 401/403 challenge names: the one the caller used, else the surface's default. */
export interface ChallengeState {
  challenge?: Scheme;
}

/** The credentials as sent: `Authorization: <scheme> <token>`. */
export interface CredentialsState extends ChallengeState {
  credentials: { token: string; scheme: Scheme };
}

/**
 * A DPoP proof checked against the request before the token is read: either what failed (said
 * later, at the sender-constraint check's place) or the verified proof with the replay marker the
 * token's read sets, and `fresh` once it did (false: the proof was seen before).
 */
export interface ProofState {
  proof?:
    | { error: ResourceError }
    | { verified: VerifiedProof; replay: { key: string; ttlSeconds: number }; fresh?: boolean };
}

/** After a token was found: its payload, read by every later check. */
export interface TokenState<P extends TokenPayload = TokenPayload> extends CredentialsState {
  token: P;
}

/** A partner's call: its token and the account ids the grant covers (copied onto the token at issuance). */
export interface PartnerTokenState extends TokenState<AccessTokenPayload> {
  accountIds: string[];
}

/** A call of one of the bank's systems; `internalClient` is the actor of what it does. */
export interface InternalClientState extends TokenState<ClientCredentialsPayload> {
  internalClient: string;
}
