import type Provider from 'oidc-provider';
import type { AdapterPayload } from 'oidc-provider';
import type { GrantDrafter } from '../grants/linkages.ts';
import { audiences } from './audiences.ts';

/** The parts of oidc-provider's Grant instance used here that its type definitions leave out. */
interface DraftableGrant {
  jti?: string;
  clean(): void;
  generateTokenId(): string;
  getValueAndPayload(): Promise<{ value: string; payload: AdapterPayload }>;
}

/** Whether the Grant has those methods (it has, in the oidc-provider version this server is built on). */
const isDraftable = (grant: object): grant is DraftableGrant =>
  'clean' in grant &&
  typeof grant.clean === 'function' &&
  'generateTokenId' in grant &&
  typeof grant.generateTokenId === 'function' &&
  'getValueAndPayload' in grant &&
  typeof grant.getValueAndPayload === 'function';

/**
 * oidc-provider's Grant for a linkage, built as Grant.save() builds it but handed back instead of
 * stored, so that src/grants/ writes it in one script with the rest of the linkage.
 */
export const createGrantDrafter = (provider: Provider, issuer: string): GrantDrafter => ({
  async draft(input) {
    // oidc-provider's Grant constructor reads expiresIn too, which its typings leave out.
    const properties = { accountId: input.subject, clientId: input.clientId, expiresIn: input.expiresIn };
    const grant = new provider.Grant(properties);
    if (input.grantId) grant.jti = input.grantId;
    // Data scopes are listed among the provider's scopes (clients' `scope` metadata must name only
    // listed ones), so the OIDC part of the grant has to cover them as well as the resource part.
    grant.addOIDCScope([...input.oidcScopes, ...input.dataScopes].join(' '));
    grant.addResourceScope(audiences(issuer).dataApi, input.dataScopes.join(' '));
    // Grant.save() does exactly this before its adapter call (lib/models/grant.js, base_model.js).
    if (!isDraftable(grant)) throw new TypeError("oidc-provider's Grant lacks the methods Grant.save() uses");
    grant.clean();
    grant.jti ??= grant.generateTokenId();
    const { payload } = await grant.getValueAndPayload();
    return { grantId: grant.jti, payload };
  },
});
