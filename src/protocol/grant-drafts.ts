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

/**
 * oidc-provider's Grant for a linkage, built as Grant.save() builds it but handed back instead of
 * stored, so that src/grants/ writes it in one script with the rest of the linkage.
 */
export const createGrantDrafter = (provider: Provider, issuer: string): GrantDrafter => ({
  async draft(input) {
    const grant = new provider.Grant({
      accountId: input.subject,
      clientId: input.clientId,
      expiresIn: input.expiresIn,
      // oidc-provider's typings omit expiresIn from the Grant constructor: untyped library boundary.
    } as never);
    if (input.grantId) grant.jti = input.grantId;
    // Data scopes are listed among the provider's scopes (clients' `scope` metadata must name only
    // listed ones), so the OIDC part of the grant has to cover them as well as the resource part.
    grant.addOIDCScope([...input.oidcScopes, ...input.dataScopes].join(' '));
    grant.addResourceScope(audiences(issuer).dataApi, input.dataScopes.join(' '));
    // Grant.save() does exactly this before its adapter call (lib/models/grant.js, base_model.js).
    const draftable = grant as unknown as DraftableGrant;
    draftable.clean();
    draftable.jti ??= draftable.generateTokenId();
    const { payload } = await draftable.getValueAndPayload();
    return { grantId: draftable.jti, payload };
  },
});
