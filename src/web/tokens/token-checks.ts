import type { Middleware } from 'koa';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { Availability } from '../../availability/index.ts';
import type { Settings } from '../../config/schema.ts';
import type { PartnerStatusCache } from '../../partners/status-cache.ts';
import type { Audiences } from '../../protocol/audiences.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Store } from '../../store/store.ts';
import { respondErrors } from '../respond-errors.ts';
import { checkApiOpen, checkApiOpenForPartner } from './check-api-open.ts';
import { checkAudience } from './check-audience.ts';
import { checkInternalClient } from './check-internal-client.ts';
import { checkPartnerActive } from './check-partner-active.ts';
import { createSenderConstraint } from './check-sender-constraint.ts';
import { createDpopVerifier } from './dpop-verifier.ts';
import { createDpopNonces } from './dpop-nonce.ts';
import { loadAccessToken } from './load-access-token.ts';
import { loadClientToken } from './load-client-token.ts';
import { readCredentials } from './read-credentials.ts';
import { recordCall, type RecordedCallState } from './record-call.ts';
import type { InternalClientState, PartnerTokenState } from './token-request.ts';

export interface TokenCheckDeps {
  store: Store;
  clock: Clock;
  audit: AuditLog;
  availability: Availability;
  partners: Pick<PartnerStatusCache, 'isActive'>;
  audiences: Pick<Audiences, 'dataApi' | 'adminApi' | 'coreEvents'>;
  /** The bank's own systems, each with the scopes it may hold. */
  internalClients: readonly { client_id: string; scopes: readonly string[] }[];
  /** The configured issuer: DPoP proofs name its origin. */
  issuer: string;
  settings: { dpop: Settings['dpop']; mtls: Pick<Settings['mtls'], 'enabled' | 'certificateHeader'> };
  /** The shared secret DPoP nonces derive from (the same on every instance). */
  dpopNonceSecret: Buffer;
}

/** The state of a partner's call once every check passed. */
export type PartnerCallState = PartnerTokenState & RecordedCallState;

/**
 * The bearer-token layer every API composes, one small check per file beside this one, as a
 * table: the data API and Grant Management take the partner's table, the admin API and core
 * events the internal clients'. Errors answer `{"errorCode", "errorMessage"}` with the RFC 6750 /
 * RFC 9449 challenge (./respond-errors).
 */
export const createTokenChecks = (deps: TokenCheckDeps) => {
  const { dpop, mtls } = deps.settings;
  // The proof-of-possession check (DPoP or mTLS) with the bank's settings, for either kind of token.
  const { verifyDpopProof, checkSenderConstraint } = createSenderConstraint({
    clock: deps.clock,
    issuer: deps.issuer,
    iatToleranceSeconds: dpop.iatToleranceSeconds,
    nonces: dpop.requireNonce ? createDpopNonces({ secret: deps.dpopNonceSecret, clock: deps.clock }) : undefined,
    certificateHeader: mtls.enabled ? mtls.certificateHeader : undefined,
    // One key cache for every API of this process.
    verifier: createDpopVerifier(),
  });

  return {
    /**
     * What every call made with a partner's access token passes, for the data API's resource
     * indicator, audited as `auditKind` whatever its outcome. Routes add their scope check.
     */
    partner: (options: {
      auditKind: string;
      onServed?: Parameters<typeof recordCall>[2];
    }): Middleware<PartnerCallState>[] => [
      respondErrors,
      recordCall(deps.audit, options.auditKind, options.onServed),
      // Closed (service hours, a restriction of all) answers 503 before the token is even read.
      checkApiOpen(deps.availability),
      readCredentials,
      // Checked before the read, judged after it: its replay marker is written with the token's read.
      verifyDpopProof,
      loadAccessToken({ store: deps.store, clock: deps.clock }),
      checkAudience(deps.audiences.dataApi),
      checkSenderConstraint,
      checkPartnerActive(deps.partners),
      checkApiOpenForPartner(deps.availability),
    ],

    /**
     * What every call from one of the bank's own systems passes: an access token this server
     * issued to an internal client by client credentials (Bearer, or DPoP / mTLS-bound), for this
     * API's resource indicator, from a client still allowed this API. Routes add their scope check;
     * the surface puts `respondErrors` before these.
     */
    internalClient: (
      api: 'adminApi' | 'coreEvents',
      allowed: (scopes: readonly string[]) => boolean,
    ): Middleware<InternalClientState>[] => [
      // A caller without credentials is told to use Bearer (the data API's default challenge is DPoP).
      async (ctx, next) => {
        ctx.state.challenge = 'Bearer';
        await next();
      },
      readCredentials,
      verifyDpopProof,
      loadClientToken({ store: deps.store, clock: deps.clock }),
      checkAudience(deps.audiences[api]),
      checkSenderConstraint,
      checkInternalClient(new Set(deps.internalClients.filter((c) => allowed(c.scopes)).map((c) => c.client_id))),
    ],
  };
};

export type TokenChecks = ReturnType<typeof createTokenChecks>;
