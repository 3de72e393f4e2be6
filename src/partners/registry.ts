import type { Store } from '../store/store.ts';
import type { Partner, PartnerDefinition } from './schema.ts';

export type PartnerStatus = 'active' | 'suspended';

/** An operator's stored change to a partner: it wins over the file. */
export interface PartnerOverride {
  status?: PartnerStatus;
  /** A whole definition added or edited by an operator. */
  definition?: Partner;
  /** The bank withdrew the designation for good: the partner is unknown from now on. */
  removed?: boolean;
  changedBy: string;
  reason: string;
  changedAt: number;
}

export interface PartnerView {
  partner: Partner;
  /** Where the effective state comes from, for the console ("which applies and why"). */
  source: { file?: string; override?: PartnerOverride };
}

const overrideKey = (clientId: string) => `partner:${clientId}`;

/**
 * The partners (API連携事業者): files read at start-up, merged with operators' stored changes
 * read through the store on every lookup, so that a change applies at once on every instance.
 */
export const createPartnerRegistry = (deps: { store: Store; definitions: readonly PartnerDefinition[] }) => {
  const files = new Map(deps.definitions.map((d) => [d.partner.client_id, d]));

  const find = async (clientId: string): Promise<PartnerView | undefined> => {
    const raw = await deps.store.get(overrideKey(clientId));
    const override = raw === undefined ? undefined : (JSON.parse(raw) as PartnerOverride);
    const file = files.get(clientId);
    const base = override?.definition ?? file?.partner;
    if (!base || override?.removed) return undefined;
    const partner = { ...base, status: override?.status ?? base.status } as Partner;
    return { partner, source: { file: file?.file, override } };
  };

  return {
    find,
    /** The partner when it exists and may act now (start flows, use tokens). */
    async findActive(clientId: string): Promise<Partner | undefined> {
      const view = await find(clientId);
      return view && view.partner.status === 'active' ? view.partner : undefined;
    },
    async list(): Promise<PartnerView[]> {
      const stored = (await deps.store.keysWithPrefix('partner:')).map((k) => k.slice('partner:'.length));
      const ids = new Set([...files.keys(), ...stored]);
      const views = await Promise.all([...ids].map(find));
      return views.filter((v): v is PartnerView => v !== undefined);
    },
    async setOverride(clientId: string, override: PartnerOverride): Promise<void> {
      await deps.store.set(overrideKey(clientId), JSON.stringify(override));
    },
    isFileDefined: (clientId: string) => files.has(clientId),
  };
};

export type PartnerRegistry = ReturnType<typeof createPartnerRegistry>;
