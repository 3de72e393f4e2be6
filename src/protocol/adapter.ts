import type { Adapter } from 'oidc-provider';
import type { PartnerRegistry } from '../partners/registry.ts';
import type { OidcStore, OnUpsert } from '../store/oidc-adapter.ts';
import { partnerClientMetadata } from './clients.ts';
import { translateOutages } from './unavailable.ts';

/**
 * oidc-provider's storage: every model through the store port, except `Client`, which is read
 * from the partner registry (files merged with operators' stored changes) on every lookup, so a
 * suspended partner is unknown to the protocol at once. Internal clients are static and never
 * reach this adapter.
 */
export const createProviderAdapter = (deps: {
  oidc: OidcStore;
  partners: PartnerRegistry;
  extraRedirectUris: (clientId: string) => string[];
  onRevokeGrant: (grantId: string) => Promise<void>;
  onUpsert?: OnUpsert;
}) => {
  const storeAdapter = deps.oidc.adapterFactory({ onUpsert: deps.onUpsert, onRevokeGrant: deps.onRevokeGrant });
  return (name: string): Adapter => translateOutages(modelAdapter(name));

  function modelAdapter(name: string): Adapter {
    if (name !== 'Client') return storeAdapter(name);
    const readOnly = async () => {
      throw new Error('partners are managed through their files and the admin console');
    };
    return {
      async find(id: string) {
        const partner = await deps.partners.findActive(id);
        return partner
          ? partnerClientMetadata(partner, {
              extraRedirectUris: deps.extraRedirectUris(id),
            })
          : undefined;
      },
      upsert: readOnly,
      findByUid: async () => undefined,
      findByUserCode: async () => undefined,
      consume: readOnly,
      destroy: readOnly,
      revokeByGrantId: readOnly,
    };
  }
};
