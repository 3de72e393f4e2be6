import type { SchemaObject } from 'ajv';
import { createAjv } from '../shared/json-schema.ts';
import { isRecord } from '../shared/unknown-json.ts';
import type { Store } from '../store/store.ts';
import { partnerSchema, type Partner, type PartnerDefinition, type PartnerFile } from './schema.ts';

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

// Compiled as a plain schema object; the type it checks is derived from the same schema (FromSchema).
const plainPartnerSchema: SchemaObject = partnerSchema;
const validatePartner = createAjv().compile<PartnerFile>(plainPartnerSchema);

/** A definition an operator stored: valid against the partner schema, with the defaults it documents. */
const isStoredPartner = (value: unknown): value is Partner =>
  validatePartner(value) &&
  value.token_endpoint_auth_method !== undefined &&
  value.status !== undefined &&
  value.profile !== undefined;

/** An override as setOverride wrote it, member by member. */
const isPartnerOverride = (value: unknown): value is PartnerOverride =>
  isRecord(value) &&
  (value.status === undefined || value.status === 'active' || value.status === 'suspended') &&
  (value.definition === undefined || isStoredPartner(value.definition)) &&
  (value.removed === undefined || typeof value.removed === 'boolean') &&
  typeof value.changedBy === 'string' &&
  typeof value.reason === 'string' &&
  typeof value.changedAt === 'number';

/** The stored override; one that is not one fails the lookup rather than be half-applied. */
const parseOverride = (raw: string, clientId: string): PartnerOverride => {
  const value: unknown = JSON.parse(raw);
  if (!isPartnerOverride(value))
    throw new TypeError(`the store holds no partner override under ${overrideKey(clientId)}`);
  return value;
};

/**
 * The partners (API連携事業者): files read at start-up, merged with operators' stored changes
 * read through the store on every lookup, so that a change applies at once on every instance.
 */
export const createPartnerRegistry = (deps: { store: Store; definitions: readonly PartnerDefinition[] }) => {
  const files = new Map(deps.definitions.map((d) => [d.partner.client_id, d]));

  const find = async (clientId: string): Promise<PartnerView | undefined> => {
    const raw = await deps.store.get(overrideKey(clientId));
    const override = raw === undefined ? undefined : parseOverride(raw, clientId);
    const file = files.get(clientId);
    const base = override?.definition ?? file?.partner;
    if (!base || override?.removed) return undefined;
    const partner: Partner = { ...base, status: override?.status ?? base.status };
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
