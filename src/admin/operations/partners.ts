import type { Ajv, SchemaObject, ValidateFunction } from 'ajv';
import type { AuditLog } from '../../audit/index.ts';
import { ConfigError } from '../../config/config-error.ts';
import type { PartnerRegistry, PartnerStatus, PartnerView } from '../../partners/registry.ts';
import { partnerSchema, type Partner, type PartnerFile } from '../../partners/schema.ts';
import type { PartnerStatusCache } from '../../partners/status-cache.ts';
import type { Linkages } from '../../grants/linkages.ts';
import type { Clock } from '../../shared/clock.ts';
import { OperationError, type FieldProblem } from './errors.ts';
import { recordStaffAction, type Actor, type BulkAction } from './staff-action.ts';

/**
 * Partners for bank staff: list and inspect (which state applies and why), add or edit a
 * definition (checked by the same JSON Schema as the files), suspend and reinstate. Every change
 * is stored as the partner's override, which wins over its file, and announced to every instance.
 */
export const createPartnerOperations = (deps: {
  partners: PartnerRegistry;
  partnerStatus: PartnerStatusCache;
  ajv: Ajv;
  clock: Clock;
  audit: AuditLog;
  /** Client ids of the bank's internal clients: a partner may never take one. */
  internalClientIds: ReadonlySet<string>;
  mtlsEnabled: boolean;
  linkages: Linkages;
  bulkAction: BulkAction;
}) => {
  // Compiled as a plain schema object; the type it checks is derived from the same schema (FromSchema).
  const plain: SchemaObject = partnerSchema;
  // Compiled once per ajv: the start-up check of partner files may have compiled it already (never as async).
  const compiled = deps.ajv.getSchema<PartnerFile>(partnerSchema.$id);
  const validate: ValidateFunction<PartnerFile> =
    compiled && !('$async' in compiled) ? compiled : deps.ajv.compile<PartnerFile>(plain);

  const existing = async (clientId: string): Promise<PartnerView> => {
    const view = await deps.partners.find(clientId);
    if (!view) throw new OperationError('not_found', 'No partner has this client_id.');
    return view;
  };

  /** The definition as the schema accepts it, defaults filled in; problems listed otherwise. */
  const checked = (definition: unknown): Partner => {
    const copy = structuredClone(definition);
    if (!validate(copy)) {
      const { problems } = ConfigError.fromAjv('partner', validate.errors);
      throw new OperationError(
        'invalid_request',
        'The partner definition does not match the partner JSON Schema.',
        problems,
        validate.errors ?? [],
      );
    }
    // The defaults the schema documents (ajv fills them in too): a definition stored here always has them.
    return {
      ...copy,
      token_endpoint_auth_method: copy.token_endpoint_auth_method ?? 'private_key_jwt',
      status: copy.status ?? 'active',
      profile: copy.profile ?? 'fapi2',
    };
  };

  /** A rule of this operation (not of the schema) broken at one field. */
  const rule = (instancePath: string, keyword: string, params: Record<string, unknown> = {}): FieldProblem[] => [
    { instancePath, schemaPath: '', keyword, params },
  ];

  const setStatus = async (clientId: string, status: PartnerStatus, reason: string, actor: Actor) => {
    const view = await existing(clientId);
    const before = view.partner.status;
    await deps.partners.setOverride(clientId, {
      ...view.source.override,
      status,
      changedBy: actor.name,
      reason,
      changedAt: deps.clock.now(),
    });
    await deps.partnerStatus.changed(clientId);
    await recordStaffAction(deps.audit, actor, {
      kind: status === 'suspended' ? 'admin.partner.suspended' : 'admin.partner.reinstated',
      reason,
      partnerId: clientId,
      details: { before, after: status },
    });
  };

  return {
    list: () => deps.partners.list(),
    find: (clientId: string) => deps.partners.find(clientId),
    view: existing,

    /** What the partner schema finds wrong with a definition (nothing when it passes); nothing is saved. */
    check(definition: unknown): FieldProblem[] {
      return validate(structuredClone(definition)) ? [] : [...(validate.errors ?? [])];
    },

    /** Adds a partner (`create`) or replaces an existing one's definition; its suspension, if any, stays. */
    async save(
      clientId: string,
      definition: unknown,
      reason: string,
      actor: Actor,
      options: { create: boolean },
    ): Promise<Partner> {
      const partner = checked(definition);
      if (partner.client_id !== clientId)
        throw new OperationError(
          'invalid_request',
          'client_id in the definition differs from the partner being saved.',
          [`client_id: must be "${clientId}"`],
          rule('/client_id', 'const', { allowedValue: clientId }),
        );
      if (deps.internalClientIds.has(clientId))
        throw new OperationError(
          'conflict',
          "This client_id belongs to one of the bank's internal clients.",
          [],
          rule('/client_id', 'internal'),
        );
      // The same rule the start-up check applies to partner files (src/config/load-config.ts).
      if (partner.token_endpoint_auth_method !== 'private_key_jwt' && !deps.mtlsEnabled) {
        throw new OperationError(
          'invalid_request',
          'mTLS client authentication is off on this server.',
          [`token_endpoint_auth_method: "${partner.token_endpoint_auth_method}" needs mTLS, which is off`],
          rule('/token_endpoint_auth_method', 'mtlsOff'),
        );
      }
      const view = await deps.partners.find(clientId);
      if (options.create && view)
        throw new OperationError(
          'conflict',
          'A partner with this client_id already exists.',
          [],
          rule('/client_id', 'taken'),
        );
      if (!options.create && !view) throw new OperationError('not_found', 'No partner has this client_id.');
      await deps.partners.setOverride(clientId, {
        ...(view?.source.override?.status ? { status: view.source.override.status } : {}),
        definition: partner,
        changedBy: actor.name,
        reason,
        changedAt: deps.clock.now(),
      });
      await deps.partnerStatus.changed(clientId);
      await recordStaffAction(deps.audit, actor, {
        kind: options.create ? 'admin.partner.added' : 'admin.partner.edited',
        reason,
        partnerId: clientId,
      });
      return partner;
    },

    suspend: (clientId: string, reason: string, actor: Actor) => setStatus(clientId, 'suspended', reason, actor),
    reinstate: (clientId: string, reason: string, actor: Actor) => setStatus(clientId, 'active', reason, actor),

    /**
     * Removes a partner for good (the bank withdrew its designation): it becomes unknown at once on
     * every instance — no flow, no token works — and then every one of its linkages ends (its
     * customers' notices and its own SETs follow from there). Answers how many ended.
     */
    remove: (clientId: string, reason: string, actor: Actor): Promise<number> =>
      deps.bulkAction(async () => {
        await existing(clientId);
        await deps.partners.setOverride(clientId, {
          removed: true,
          changedBy: actor.name,
          reason,
          changedAt: deps.clock.now(),
        });
        await deps.partnerStatus.changed(clientId);
        const ended = await deps.linkages.end(
          { partnerId: clientId },
          {
            reason: 'partner_removed',
            actor: actor.name,
            note: reason,
          },
        );
        await recordStaffAction(deps.audit, actor, {
          kind: 'admin.partner.removed',
          reason,
          partnerId: clientId,
          details: { endedLinkages: ended },
        });
        return ended;
      }),
  };
};

export type PartnerOperations = ReturnType<typeof createPartnerOperations>;
